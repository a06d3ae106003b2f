"""The five working languages: URL prefixes, the switcher and alternates, the API's
Accept-Language, the preferred language at sign-in and on the profile, the scripts'
catalogue, the data migration and the translation check (lms/i18n.py, README "Languages")."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from lms import i18n
from lms.models import User
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CHECK_SCRIPT = ROOT / ".ci" / "check-translations"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# --- Settings -----------------------------------------------------------------------------


def test_the_five_working_languages_in_order():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "fr", "zh-hans", "de", "pt-br"]
    assert settings.LANGUAGE_CODE == "en"
    field = User._meta.get_field("preferred_language")
    assert [code for code, _name in field.choices] == ["en", "fr", "zh-hans", "de", "pt-br"]


# --- URLs carry the language ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "lang_attr"),
    [("fr", "fr"), ("zh-hans", "zh-Hans"), ("de", "de"), ("pt-br", "pt-BR")],
)
def test_each_language_prefix_serves_the_register_in_that_language(client, language, lang_attr):
    response = client.get(f"/{language}/auditors/")

    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert html_lang(response) == lang_attr


@pytest.mark.django_db
def test_unprefixed_pages_are_english_whatever_the_browser_asks(client):
    response = client.get("/auditors/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9", follow=False)

    assert response.status_code == 200  # no redirect to /fr/
    assert response["Content-Language"] == "en"
    assert html_lang(response) == "en"


@pytest.mark.django_db
def test_the_language_cookie_does_not_change_an_unprefixed_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get("/auditors/")
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_english_has_no_prefix_of_its_own(client):
    assert client.get("/en/auditors/").status_code == 404


@pytest.mark.django_db
def test_wagtail_pages_are_served_under_every_prefix(client):
    english = client.get("/")
    french = client.get("/fr/")

    assert english.status_code == 200 and french.status_code == 200
    assert html_lang(english) == "en"
    assert html_lang(french) == "fr"


def test_reverse_follows_the_active_language():
    assert reverse("accreditation:register") == "/auditors/"
    with translation.override("zh-hans"):
        assert reverse("accreditation:register") == "/zh-hans/auditors/"
        assert reverse("account_profile") == "/zh-hans/accounts/profile/"
        # Outside the prefix: never prefixed.
        assert reverse("healthz") == "/healthz"
        assert reverse("javascript-catalog") == "/jsi18n/"
        assert reverse("payments_webhook:stripe_webhook") == "/payments/stripe/webhook/"
        assert reverse("api_v1:index") == "/api/v1/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/fr/api/v1/", "/fr/healthz", "/fr/readyz", "/fr/jsi18n/", "/de/admin/"]
)
def test_machine_and_admin_urls_have_no_language_prefix(client, path):
    assert client.get(path, follow=True).status_code == 404  # /fr/healthz -> /fr/healthz/ -> 404


@pytest.mark.django_db
def test_the_stripe_webhook_answers_only_unprefixed(client):
    unprefixed = client.post("/payments/stripe/webhook/", b"{}", content_type="application/json")
    prefixed = client.post("/fr/payments/stripe/webhook/", b"{}", content_type="application/json")

    assert unprefixed.status_code != 404  # the webhook itself (refuses an unsigned event)
    assert prefixed.status_code == 404


@pytest.mark.django_db
def test_healthz_stays_unprefixed(client):
    assert client.get("/healthz").status_code == 200


# --- API: English unless Accept-Language asks --------------------------------------------


@pytest.mark.django_db
def test_the_api_answers_in_english_by_default(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr", "fr"),
        ("de-DE,de;q=0.9,en;q=0.5", "de"),
        ("zh-Hans-CN", "zh-hans"),
        ("pt-BR", "pt-br"),
        ("es, it;q=0.8", "en"),  # not a working language
        ("*", "en"),
        ("'><script>", "en"),
    ],
)
def test_the_api_follows_accept_language_when_sent(client, header, language):
    response = client.get("/api/v1/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_the_api_ignores_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/api/v1/")["Content-Language"] == "en"


# --- The switcher and the alternates -------------------------------------------------------


@pytest.mark.django_db
def test_the_switcher_links_to_the_same_page_and_query_in_each_language(client):
    response = client.get("/fr/auditors/?country=FR&page=2")
    html = response.content.decode()
    switcher = html[html.index('class="language-switcher"') :]

    assert 'href="/auditors/?country=FR&amp;page=2"' in switcher
    for language in ["zh-hans", "de", "pt-br"]:
        assert f'href="/{language}/auditors/?country=FR&amp;page=2"' in switcher
    # The current language is shown, not linked.
    assert 'href="/fr/auditors/' not in switcher
    assert '<span aria-current="true" lang="fr">Français</span>' in switcher


@pytest.mark.django_db
def test_the_switcher_names_each_language_in_itself(client):
    html = client.get("/auditors/").content.decode()
    for name in ["English", "Français", "简体中文", "Deutsch", "Português Brasileiro"]:
        assert name in html


@pytest.mark.django_db
def test_every_page_lists_absolute_hreflang_alternates_and_x_default(client):
    html = client.get("/de/auditors/firms/?q=x").content.decode()
    head = html[: html.index("</head>")]
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))

    assert alternates == {
        "en": "http://testserver/auditors/firms/?q=x",
        "fr": "http://testserver/fr/auditors/firms/?q=x",
        "zh-Hans": "http://testserver/zh-hans/auditors/firms/?q=x",
        "de": "http://testserver/de/auditors/firms/?q=x",
        "pt-BR": "http://testserver/pt-br/auditors/firms/?q=x",
        "x-default": "http://testserver/auditors/firms/?q=x",
    }


@pytest.mark.django_db
def test_alternates_do_not_echo_hostile_query_strings_unescaped(client):
    html = client.get('/fr/auditors/?q="><script>alert(1)</script>').content.decode()
    head = html[: html.index("</head>")]
    assert "<script>alert(1)" not in head
    assert "<script>alert(1)" not in html[html.index('class="language-switcher"') :]


@pytest.mark.django_db
def test_site_links_in_the_header_keep_the_language(client):
    html = client.get("/pt-br/auditors/").content.decode()
    assert 'href="/pt-br/courses/"' in html
    assert 'href="/pt-br/learning/"' in html
    assert 'href="/api/v1/docs"' in html  # outside the prefix: unchanged


def test_pages_outside_the_prefix_get_no_switcher():
    request = RequestFactory().get("/api/v1/")
    with translation.override("en"):
        context = i18n.languages(request)
    assert context["language_links"] == []
    assert context["language_default_url"] == ""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/fr/auditors/", ("fr", "/auditors/")),
        ("/zh-hans/", ("zh-hans", "/")),
        ("/pt-br", ("pt-br", "/")),
        ("/auditors/", (None, "/auditors/")),
        ("/en/auditors/", (None, "/en/auditors/")),
        ("/french/", (None, "/french/")),
        ("/", (None, "/")),
    ],
)
def test_split_language(path, expected):
    assert i18n.split_language(path) == expected


@pytest.mark.parametrize(
    ("url", "language", "expected"),
    [
        ("/dashboard/", "fr", "/fr/dashboard/"),
        ("/de/auditors/?country=FR", "pt-br", "/pt-br/auditors/?country=FR"),
        ("/fr/courses/", "en", "/courses/"),
        ("/api/v1/", "fr", "/api/v1/"),  # outside the prefix
        ("/admin/", "de", "/admin/"),
        ("https://evil.example/dashboard/", "fr", "https://evil.example/dashboard/"),
        ("//evil.example/dashboard/", "fr", "//evil.example/dashboard/"),
        ("/dashboard/", "es", "/dashboard/"),  # not a working language
        ("/dashboard/", None, "/dashboard/"),
        ("", "fr", ""),
    ],
)
def test_in_language(url, language, expected):
    assert i18n.in_language(url, language) == expected


# --- Signed-in people: preferred language --------------------------------------------------


@pytest.mark.django_db
def test_signing_in_lands_in_the_preferred_language(client):
    user = UserFactory(preferred_language="de")
    data = {"login": user.email, "password": "password123!"}

    response = client.post("/accounts/login/", data)

    assert response.status_code == 302
    assert response["Location"] == "/de/dashboard/"
    assert client.get(response["Location"])["Content-Language"] == "de"


@pytest.mark.django_db
def test_signing_in_keeps_the_page_asked_for_in_the_preferred_language(client):
    user = UserFactory(preferred_language="zh-hans")
    data = {"login": user.email, "password": "password123!"}

    response = client.post("/fr/accounts/login/?next=/fr/auditors/%3Fcountry%3DFR", data)

    assert response["Location"] == "/zh-hans/auditors/?country=FR"


@pytest.mark.django_db
def test_signing_in_in_english_stays_unprefixed(client):
    user = UserFactory(preferred_language="en")
    response = client.post("/fr/accounts/login/", {"login": user.email, "password": "password123!"})
    assert response["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_a_failed_sign_in_is_not_redirected_into_a_language(client):
    user = UserFactory(preferred_language="de")
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong-one!!"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_up_offers_the_language_of_the_page_as_preferred(client):
    html = client.get("/pt-br/accounts/signup/").content.decode()
    assert re.search(r'<option value="pt-br"[^>]*selected', html)


@pytest.mark.django_db
def test_changing_the_preferred_language_on_the_profile_switches_the_interface(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)

    response = client.post(
        "/accounts/profile/", {"full_name": user.full_name, "preferred_language": "fr"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/profile/"
    page = client.get(response["Location"])
    assert html_lang(page) == "fr"
    user.refresh_from_db()
    assert user.preferred_language == "fr"


@pytest.mark.django_db
def test_saving_the_profile_without_a_new_language_stays_in_the_current_one(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)

    response = client.post(
        "/de/accounts/profile/", {"full_name": "New Name", "preferred_language": "en"}
    )

    assert response["Location"] == "/de/accounts/profile/"


@pytest.mark.django_db
def test_the_profile_refuses_a_language_that_is_not_a_working_one(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)

    response = client.post("/accounts/profile/", {"full_name": "X", "preferred_language": "es"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.preferred_language == "en"


@pytest.mark.django_db
def test_the_profile_in_another_language_still_needs_a_sign_in(client):
    response = client.get("/fr/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/?next=/fr/accounts/profile/")


@pytest.mark.django_db
def test_a_french_page_shows_django_s_own_french(client):
    """Django ships French: a form error on /fr/ is in French before our catalogues land."""
    user = UserFactory(preferred_language="fr")
    client.force_login(user)
    with translation.override("fr"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required."

    response = client.post("/fr/accounts/profile/", {"full_name": "", "preferred_language": "fr"})

    assert response.status_code == 200
    assert required in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "msgid", ["Learning and accreditation for responsible aluminium.", "Auditor register"]
)
def test_a_french_page_shows_the_french_of_our_own_catalogue(client, msgid):
    """The home page under /fr/ says what locale/fr/LC_MESSAGES/django.po says (read from
    the catalogue itself): the compiled catalogue is the one served."""
    import polib
    from django.utils.html import escape

    catalogue = polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    french = catalogue.find(msgid).msgstr
    assert french and french != msgid

    english = client.get("/").content.decode()
    html = client.get("/fr/").content.decode()

    assert escape(french) in html
    assert escape(msgid) in english and escape(msgid) not in html


# --- The scripts' catalogue --------------------------------------------------------------


@pytest.mark.django_db
def test_the_javascript_catalogue_serves_the_asked_language(client):
    french = client.get("/jsi18n/?language=fr")
    english = client.get("/jsi18n/")
    unknown = client.get("/jsi18n/?language=xx")

    assert french.status_code == 200
    assert "javascript" in french["Content-Type"]
    assert "django.gettext = function" in french.content.decode()
    assert french["Last-Modified"]
    # The catalogue carries the language's number formats: a comma in French.
    assert re.search(r'"DECIMAL_SEPARATOR": ","', french.content.decode())
    assert re.search(r'"DECIMAL_SEPARATOR": "\."', english.content.decode())
    assert unknown.content == english.content


@pytest.mark.django_db
def test_pages_load_the_catalogue_of_their_language_before_their_scripts(client):
    html = client.get("/fr/auditors/").content.decode()
    catalogue = html.index('src="/jsi18n/?language=fr"')
    assert catalogue < html.index("js/site.js")


def test_quiz_script_has_no_hard_coded_english_for_users():
    source = (ROOT / "courses/quiz/static/quiz/quiz.js").read_text()
    for phrase in ["Saving…", "Saved.", "Not saved.", "minutes left", "Flag for review"]:
        for line in source.splitlines():
            if phrase in line:
                assert "gettext(" in line, line


# --- Data migration ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_maps_portuguese_to_brazilian_and_spanish_to_english():
    migration = importlib.import_module("lms.migrations.0006_five_working_languages")
    pt = UserFactory()
    es = UserFactory()
    fr = UserFactory(preferred_language="fr")
    User.objects.filter(pk=pt.pk).update(preferred_language="pt")
    User.objects.filter(pk=es.pk).update(preferred_language="es")

    migration.forward(global_apps, None)
    languages = dict(User.objects.values_list("pk", "preferred_language"))
    assert (languages[pt.pk], languages[es.pk], languages[fr.pk]) == ("pt-br", "en", "fr")

    migration.backward(global_apps, None)
    languages = dict(User.objects.values_list("pk", "preferred_language"))
    assert (languages[pt.pk], languages[es.pk], languages[fr.pk]) == ("pt", "en", "fr")


# --- The translation check -----------------------------------------------------------------


@pytest.fixture(scope="module")
def checker():
    loader = SourceFileLoader("check_translations", str(CHECK_SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    sys.modules[loader.name] = module  # dataclasses look their module up
    try:
        loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(loader.name, None)


HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""

COMPLETE = (
    HEADER
    + """
#: lms/views.py
msgid "Your profile is saved."
msgstr "Votre profil est enregistré."

#: templates/base.html
#, python-format
msgid "%(count)s minute left."
msgid_plural "%(count)s minutes left."
msgstr[0] "%(count)s minute restante."
msgstr[1] "%(count)s minutes restantes."

msgctxt "verb"
msgid "Record"
msgstr ""
"Enregis"
"trer"

#~ msgid "Gone"
#~ msgstr ""
"""
)


def write_catalogues(folder: Path, text: str, locales=("fr", "de")) -> None:
    for locale in locales:
        for domain in ("django", "djangojs"):
            path = folder / locale / "LC_MESSAGES" / f"{domain}.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def run_check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK_SCRIPT), "--locale-dir", str(folder), "--no-extract"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_po_reader_reads_plurals_contexts_continuations_and_obsolete_entries(checker):
    entries = checker.parse_po(COMPLETE)
    by_key = {entry.key: entry for entry in entries}

    assert by_key[(None, "%(count)s minute left.")].msgstr == {
        0: "%(count)s minute restante.",
        1: "%(count)s minutes restantes.",
    }
    assert by_key[("verb", "Record")].msgstr == {0: "Enregistrer"}
    assert by_key[(None, "Gone")].obsolete
    assert by_key[(None, "")].msgstr[0].startswith("Content-Type")


def test_the_comparison_names_missing_untranslated_and_fuzzy_strings(checker):
    expected = checker.parse_po(
        HEADER
        + """
msgid "Saved."
msgstr ""

msgid "New string"
msgstr ""

msgid "Half done"
msgid_plural "Halves done"
msgstr[0] ""
msgstr[1] ""

msgid "A guess"
msgstr ""
"""
    )
    catalogue = checker.parse_po(
        HEADER
        + """
msgid "Saved."
msgstr "Enregistré."

msgid "Half done"
msgid_plural "Halves done"
msgstr[0] "Moitié faite"
msgstr[1] ""

#, fuzzy
msgid "A guess"
msgstr "Une supposition"
"""
    )

    report = checker.compare(expected, catalogue, "fr/django.po")

    assert report.missing == ["New string"]
    assert report.untranslated == ["Half done"]
    assert report.fuzzy == ["A guess"]
    assert not report.ok


def test_the_comparison_flags_a_fuzzy_header(checker):
    catalogue = checker.parse_po("#, fuzzy\n" + COMPLETE)
    report = checker.compare(catalogue, catalogue)
    assert report.errors and "header" in report.errors[0]


def test_the_check_passes_on_complete_catalogues(tmp_path):
    write_catalogues(tmp_path, COMPLETE)

    result = run_check(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 catalogues checked" in result.stdout


def test_the_check_fails_and_names_an_untranslated_string(tmp_path):
    write_catalogues(tmp_path, COMPLETE)
    broken = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    broken.write_text(
        COMPLETE.replace('msgstr "Votre profil est enregistré."', 'msgstr ""'), encoding="utf-8"
    )

    result = run_check(tmp_path)

    assert result.returncode == 1
    assert "de/LC_MESSAGES/django.po" in result.stdout
    assert "Your profile is saved." in result.stdout


def test_the_check_fails_on_a_fuzzy_entry(tmp_path):
    write_catalogues(tmp_path, COMPLETE.replace("#: lms/views.py\n", "#: lms/views.py\n#, fuzzy\n"))

    result = run_check(tmp_path)

    assert result.returncode == 1
    assert "fuzzy" in result.stdout
    assert "Your profile is saved." in result.stdout


def test_the_check_fails_when_msgfmt_refuses_a_catalogue(tmp_path):
    write_catalogues(tmp_path, COMPLETE)
    bad = tmp_path / "fr" / "LC_MESSAGES" / "djangojs.po"
    # A translation that drops the placeholder its msgid has: msgfmt --check refuses it.
    bad.write_text(
        COMPLETE.replace('"%(count)s minutes restantes."', '"minutes restantes."'),
        encoding="utf-8",
    )

    result = run_check(tmp_path)

    assert result.returncode == 1
    assert "fr/LC_MESSAGES/djangojs.po" in result.stdout


def test_update_catalogues_extracts_the_project_strings_and_not_the_tests(tmp_path):
    """The extraction ``make messages`` and the check share: both domains, every working
    language but English, the quiz script's strings, nothing from tests/; locale/ untouched."""
    from django.core.management import call_command

    locale_existed = (ROOT / "locale").exists()
    call_command("update_catalogues", into=str(tmp_path))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["de", "fr", "pt_BR", "zh_Hans"]
    js = (tmp_path / "fr" / "LC_MESSAGES" / "djangojs.po").read_text(encoding="utf-8")
    assert 'msgid "Saving…"' in js
    django_po = (tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert 'msgid "Your profile is saved."' in django_po
    assert "#: tests/" not in django_po
    assert "#: lms/views.py\n" in django_po or "lms/views.py" in django_po
    assert not re.search(r"^#: .*:\d+", django_po, re.MULTILINE)  # files, not line numbers
    assert (ROOT / "locale").exists() == locale_existed
    # New catalogues get a usable header: not fuzzy, with their language and plural rule.
    header = django_po[: django_po.index("\n\n", django_po.index('msgid ""'))]
    assert "#, fuzzy" not in header
    assert '"Language: zh_Hans\\n"' in header
    assert "Plural-Forms: nplurals=1; plural=0;" in header


# --- E-mails in the recipient's language ------------------------------------------------------


@pytest.mark.django_db
def test_a_password_reset_e_mail_is_in_the_recipient_s_language(client, mailoutbox):
    user = UserFactory(preferred_language="fr")
    with translation.override("fr"):
        french_subject = translation.gettext("Password Reset Email")
    assert french_subject != "Password Reset Email"  # allauth ships French

    # Asked for from the English page: the e-mail still follows the person's preference.
    client.post("/accounts/password/reset/", {"email": user.email})

    assert len(mailoutbox) == 1
    assert french_subject in mailoutbox[0].subject


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_follows_the_page_language(client, mailoutbox):
    with translation.override("de"):
        german_subject = translation.gettext("Unknown Account")
    assert german_subject != "Unknown Account"  # allauth ships German

    client.post("/de/accounts/password/reset/", {"email": "nobody@example.org"})

    assert len(mailoutbox) == 1
    assert german_subject in mailoutbox[0].subject


@pytest.mark.django_db
def test_accreditation_e_mails_go_out_once_per_recipient_language(
    monkeypatch, django_capture_on_commit_callbacks
):
    from accreditation.services import emails

    french = UserFactory(preferred_language="fr")
    chinese = UserFactory(preferred_language="zh-hans")
    other_french = UserFactory(preferred_language="fr")
    rendered: list[str] = []

    def fake_render(template, context):
        rendered.append(translation.get_language())
        return "Subject\nBody"

    monkeypatch.setattr(emails, "render_to_string", fake_render)
    sent: list[list[str]] = []
    monkeypatch.setattr(
        emails,
        "send_email_task",
        SimpleNamespace(enqueue=lambda **kwargs: sent.append(kwargs["recipients"])),
    )

    with django_capture_on_commit_callbacks(execute=True):
        emails.send_after_commit(
            template="decision",
            context={},
            recipients=[french.email, chinese.email, other_french.email, "outside@example.org"],
        )

    assert sorted(rendered) == ["en", "fr", "zh-hans"]
    assert sorted(map(sorted, sent)) == sorted(
        [sorted([french.email, other_french.email]), [chinese.email], ["outside@example.org"]]
    )


@pytest.mark.django_db
def test_site_pages_do_not_vary_on_accept_language_but_the_api_does(client):
    """An unprefixed page is English for everyone: a CDN may keep one copy of it."""
    english = client.get("/auditors/", HTTP_ACCEPT_LANGUAGE="fr")
    french = client.get("/fr/auditors/")
    api = client.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="fr")

    assert "accept-language" not in english.get("Vary", "").lower()
    assert "accept-language" not in french.get("Vary", "").lower()
    assert "accept-language" in api["Vary"].lower()


# --- Numbers and money in the active language -------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "EUR 1,234,567.89"),
        ("fr", "EUR 1\xa0234\xa0567,89"),
        ("de", "EUR 1.234.567,89"),
        ("pt-br", "EUR 1.234.567,89"),
        ("zh-hans", "EUR 1234567.89"),
    ],
)
def test_money_is_written_with_the_active_language_s_separators(language, expected):
    from courses.payments.models import format_money

    with translation.override(language):
        assert format_money(123456789, "EUR") == expected
        assert format_money(-5, "EUR").endswith("-0" + expected[-3] + "05")


@pytest.mark.django_db
def test_a_refused_request_is_answered_in_the_url_s_language():
    from django.test import Client

    client = Client(raise_request_exception=False)
    french = client.get("/fr/auditors/?q=a%00b")
    english = client.get("/auditors/?q=a%00b", HTTP_ACCEPT_LANGUAGE="de")

    assert french.status_code == english.status_code == 400
    assert html_lang(french) == "fr"
    assert html_lang(english) == "en"
