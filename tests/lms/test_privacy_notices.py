"""Notices (terms, privacy, cookies, accessibility), consent at sign-up, asking again."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page

from cms.models import ContentPage, HomePage
from lms.models import User
from lms.privacy import selectors, services
from lms.privacy.models import Consent, ConsentSource, PolicyKind, PolicyVersion
from lms.ratelimit import KNOWN_DEVICE_COOKIE
from tests.conftest import login_with_mfa
from tests.factories import SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Noor Newcomer",
    "email": "noor@example.org",
    "preferred_language": "en",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
}
ACCEPT_LABEL = "I accept the terms of use and the privacy notice"


def _notice_page(slug: str, title: str) -> ContentPage:
    home = HomePage.objects.order_by("path").first()
    page = ContentPage(slug=slug, title=title, intro=f"{title} text.")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def notices():
    """Version 1.0 of the terms and of the privacy notice, in force from today."""
    today = timezone.localdate()
    return {
        kind: services.policy_version_create(
            actor=None,
            kind=kind,
            label="1.0",
            effective_on=today,
            page=_notice_page(kind, str(PolicyKind(kind).label)),
        )
        for kind in (PolicyKind.TERMS, PolicyKind.PRIVACY)
    }


def _new_privacy_version(label="2.0", effective_on=None) -> PolicyVersion:
    page = Page.objects.get(slug="privacy").specific
    return services.policy_version_create(
        actor=None,
        kind=PolicyKind.PRIVACY,
        label=label,
        effective_on=effective_on or timezone.localdate(),
        page=page,
        summary="We now keep evidence files for six years after an accreditation ends.",
    )


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _accepted(user, versions) -> None:
    services.record_acceptance(user=user, versions=versions, source=ConsentSource.SIGNUP)


# --- the notices --------------------------------------------------------------------------


def _listed_cookie_names(html: str) -> set[str]:
    return set(re.findall(r"<li><b>([\w-]+)</b>:", html))


def test_seed_demo_publishes_the_notices_links_them_in_every_footer_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (PolicyVersion.objects.count(), Consent.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (PolicyVersion.objects.count(), Consent.objects.count()) == counts

    for slug, path in selectors.NOTICE_PATHS.items():
        page = ContentPage.objects.get(slug=slug)
        assert page.live and page.url == path
        response = Client().get(path)
        assert response.status_code == 200
        assert len(response.content.decode()) > 1500  # real text, not a placeholder
    in_force = selectors.versions_in_force()
    assert [(v.kind, v.label, v.page.slug) for v in in_force] == [
        ("terms", "1.0", "terms"),
        ("privacy", "1.0", "privacy"),
    ]
    # the demo accounts accepted them: they browse without being asked
    member = User.objects.get(email="member@example.org")
    assert selectors.versions_to_accept(member) == []
    assert _signed_in(member).get("/").status_code == 200

    for url in ("/", reverse("account_signup"), reverse("account_login"), "/auditors/"):
        html = Client().get(url).content.decode()
        footer = html.split("<footer", 1)[1]
        for path in selectors.NOTICE_PATHS.values():
            assert f'href="{path}"' in footer, (url, path)


def test_the_cookie_notice_names_exactly_the_cookies_the_site_sets():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = Client().get("/cookies/").content.decode()
    listed = _listed_cookie_names(html)
    assert listed == {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        CookieStorage.cookie_name,
        KNOWN_DEVICE_COOKIE,
        "wagtail_sidebar_collapsed",
    }
    assert settings.LANGUAGE_COOKIE_NAME not in html  # no language switcher sets one
    assert "strictly necessary" in html and "analytics" in html

    # What a visit, a form, a sign-in and a message really set is all listed.
    client = Client()
    seen: set[str] = set()
    for response in (
        client.get("/"),
        client.get(reverse("account_login")),
        client.post(
            reverse("account_login"),
            {"login": "member@example.org", "password": "demo-member-2026"},
        ),
        client.get("/"),
        client.post(
            reverse("account_profile"), {"full_name": "Maria Member", "preferred_language": "en"}
        ),
        client.post(reverse("account_logout")),
    ):
        seen |= set(response.cookies)
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, KNOWN_DEVICE_COOKIE} <= seen
    assert CookieStorage.cookie_name in seen
    assert seen <= listed


# --- sign-up ------------------------------------------------------------------------------


def test_the_signup_form_has_the_box_with_links_to_the_versions_in_force(client, notices):
    html = client.get(reverse("account_signup")).content.decode()
    assert ACCEPT_LABEL in html
    assert 'name="accept_policies"' in html and "required" in html
    assert f'href="{notices["terms"].page.url}"' in html
    assert f'href="{notices["privacy"].page.url}"' in html


def test_signup_without_the_box_is_refused_and_creates_no_account(client, notices):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    assert (
        "To continue, accept the terms of use and the privacy notice." in response.content.decode()
    )
    assert not User.objects.filter(email="noor@example.org").exists()
    assert not Consent.objects.exists()


def test_signup_records_the_acceptance_of_each_version_in_force_with_its_date(client, notices):
    before = timezone.now()
    response = client.post(reverse("account_signup"), {**SIGNUP, "accept_policies": "on"})
    assert response.status_code == 302
    user = User.objects.get(email="noor@example.org")
    consents = Consent.objects.filter(user=user).order_by("version__kind")
    assert [(c.version.kind, c.version.label, c.source) for c in consents] == [
        ("privacy", "1.0", ConsentSource.SIGNUP),
        ("terms", "1.0", ConsentSource.SIGNUP),
    ]
    assert all(before <= c.accepted_at <= timezone.now() for c in consents)
    entries = ModelLogEntry.objects.filter(action="privacy.consent.recorded")
    assert entries.count() == 2
    assert {e.data["version"] for e in entries} == {"1.0"}
    assert selectors.versions_to_accept(user) == []


def test_signup_with_no_version_published_still_needs_the_box_and_records_nothing(client):
    refused = client.post(reverse("account_signup"), SIGNUP)
    assert refused.status_code == 200
    accepted = client.post(reverse("account_signup"), {**SIGNUP, "accept_policies": "on"})
    assert accepted.status_code == 302
    assert User.objects.filter(email="noor@example.org").exists()
    assert not Consent.objects.exists()


def test_a_recorded_consent_cannot_be_changed(notices):
    user = UserFactory()
    (consent, _) = services.record_acceptance(user=user, versions=notices.values())
    consent.accepted_at = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ValueError):
        consent.save()


def test_accepting_twice_records_one_consent_per_version(notices):
    user = UserFactory()
    services.record_acceptance(user=user, versions=notices.values())
    assert services.record_acceptance(user=user, versions=notices.values()) == []
    assert Consent.objects.filter(user=user).count() == 2


# --- asked again --------------------------------------------------------------------------


def test_a_new_version_asks_signed_in_users_again_and_accepting_is_a_post(notices):
    user = UserFactory()
    _accepted(user, notices.values())
    client = _signed_in(user)
    assert client.get("/dashboard/").status_code == 200

    # A version coming into force tomorrow asks nobody yet.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _new_privacy_version(label="1.1", effective_on=tomorrow)
    assert client.get("/dashboard/").status_code == 200

    version = _new_privacy_version()
    response = client.get("/dashboard/")
    assert response.status_code == 302
    accept_url = reverse("privacy:accept")
    assert response["Location"] == f"{accept_url}?next=%2Fdashboard%2F"

    # The accept page shows only what changed, and reading it writes nothing.
    with CaptureQueriesContext(connection) as queries:
        page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Privacy notice 2.0" in html
    assert "Terms of use 1.0" not in html  # accepted already: not asked again
    assert version.summary in html
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")
    ]
    assert client.get(f"{accept_url}?accept_policies=on&accept=on").status_code == 200
    assert not Consent.objects.filter(version=version).exists()

    refused = client.post(accept_url, {"next": "/dashboard/"})
    assert refused.status_code == 200
    assert (
        "To continue, accept the terms of use and the privacy notice." in refused.content.decode()
    )
    assert not Consent.objects.filter(version=version).exists()

    done = client.post(accept_url, {"accept": "on", "next": "/dashboard/"})
    assert done.status_code == 302 and done["Location"] == "/dashboard/"
    consent = Consent.objects.get(version=version)
    assert (consent.user, consent.source) == (user, ConsentSource.RECONSENT)
    assert client.get("/dashboard/").status_code == 200
    # Older consents are kept: the history of what was accepted when.
    assert Consent.objects.filter(user=user).count() == 3


def test_a_person_who_never_accepted_is_asked(notices):
    client = _signed_in(UserFactory())
    response = client.get("/courses/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy:accept"))


def test_the_accept_page_sends_back_only_to_this_site(notices):
    client = _signed_in(UserFactory())
    response = client.post(
        reverse("privacy:accept"), {"accept": "on", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_accept_page_refuses_other_methods_and_anonymous_visitors(notices):
    anonymous = Client().get(reverse("privacy:accept"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = _signed_in(UserFactory())
    assert client.put(reverse("privacy:accept")).status_code == 405


def test_the_request_to_accept_never_traps_notices_logout_api_or_an_exam(notices):
    client = _signed_in(UserFactory())
    accept_url = reverse("privacy:accept")
    for path in selectors.NOTICE_PATHS.values():
        response = client.get(path)
        assert not response.get("Location", "").startswith(accept_url), path
    assert client.get(notices["privacy"].page.url).status_code == 200
    assert client.get(reverse("api_v1:index")).status_code == 200
    # a quiz attempt in progress is not interrupted (an unknown one is simply not found)
    assert client.get(reverse("quiz:attempt", args=[999999])).status_code == 404
    # a form already being sent goes through (the profile saves)
    saved = client.post(
        reverse("account_profile"), {"full_name": "Still Me", "preferred_language": "en"}
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("account_profile")
    assert client.get(reverse("account_logout")).status_code == 200
    out = client.post(reverse("account_logout"))
    assert out.status_code == 302
    assert client.get("/courses/").status_code == 200  # signed out: nothing to accept


def test_staff_pass_the_second_factor_before_being_asked_to_accept(notices):
    staff = SecretariatFactory()
    client = Client()
    client.force_login(staff)
    to_mfa = client.get("/admin/")
    assert to_mfa.status_code == 302
    assert to_mfa["Location"].startswith(reverse("mfa_activate_totp"))
    for step in ("mfa_activate_totp", "account_reauthenticate"):
        response = client.get(reverse(step))
        assert not response.get("Location", "").startswith(reverse("privacy:accept")), step
    assert client.get(reverse("account_reauthenticate")).status_code == 200

    client = login_with_mfa(Client(), staff)
    to_accept = client.get("/admin/")
    assert to_accept.status_code == 302
    assert to_accept["Location"].startswith(reverse("privacy:accept"))
    reauthenticate = client.get(reverse("mfa_reauthenticate"))
    assert not reauthenticate.get("Location", "").startswith(reverse("privacy:accept"))
    client.post(reverse("privacy:accept"), {"accept": "on", "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


# --- versions in the admin ----------------------------------------------------------------


def test_a_version_in_force_is_neither_changed_nor_deleted(notices):
    version = notices["privacy"]
    with pytest.raises(services.PrivacyError):
        services.policy_version_update(
            version=version,
            actor=None,
            label="1.0b",
            effective_on=timezone.localdate(),
            page=version.page,
        )
    with pytest.raises(services.PrivacyError):
        services.policy_version_delete(version=version, actor=None)


def test_a_new_version_needs_a_live_page_and_no_past_date(notices):
    draft = ContentPage(slug="privacy-draft", title="Draft", live=False)
    HomePage.objects.first().add_child(instance=draft)
    with pytest.raises(services.PrivacyError):
        services.policy_version_create(
            actor=None, kind="privacy", label="3", effective_on=timezone.localdate(), page=draft
        )
    with pytest.raises(services.PrivacyError):
        services.policy_version_create(
            actor=None,
            kind="privacy",
            label="3",
            effective_on=timezone.localdate() - datetime.timedelta(days=1),
            page=notices["privacy"].page,
        )


def test_staff_publish_a_new_version_in_the_admin_and_cannot_edit_one_in_force(notices):
    staff = SecretariatFactory()  # the Secretariat group holds the permissions (migration 0002)
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client = login_with_mfa(Client(), staff)
    _accepted(staff, notices.values())
    add = reverse("privacy_policy_version:add")
    assert client.get(add).status_code == 200
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        add,
        {
            "kind": "terms",
            "label": "2.0",
            "effective_on": tomorrow.isoformat(),
            "page": notices["terms"].page.pk,
            "summary": "Clearer exam rules.",
        },
    )
    assert response.status_code == 302
    new = PolicyVersion.objects.get(kind="terms", label="2.0")
    entry = ModelLogEntry.objects.get(action="privacy.version.created", object_id=str(new.pk))
    assert entry.user_id == staff.pk and entry.object_id == str(new.pk)

    in_force = reverse("privacy_policy_version:edit", args=[notices["terms"].pk])
    refused = client.get(in_force)
    assert refused.status_code == 302
    assert client.get(reverse("privacy_policy_version:edit", args=[new.pk])).status_code == 200
