"""Registered Specialists: non-auditor experts on the register, kept apart from auditors."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accreditation.models import RegisteredSpecialist
from accreditation.privacy_rights import specialist_erasure_part, specialist_export_part
from accreditation.register import specialists as register_specialists
from accreditation.selectors import check_eligibility
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    StandardFactory,
    sector_for,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _specialist(name="Ana Paula Ferreira", standards=("PS",), **kw) -> RegisteredSpecialist:
    today = TODAY()
    values = {
        "country": "BR",
        "expertise": ["community-engagement"],
        "languages": ["pt", "en"],
        "listed_from": today - 10 * DAY,
        "publication_consent_on": today - 10 * DAY,
        "description": "Community consultations in Pará.",
    }
    values.update(kw)
    specialist = RegisteredSpecialist.objects.create(full_name=name, **values)
    specialist.standards.set([StandardFactory(code=code) for code in standards])
    return specialist


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


# --- Who is public -----------------------------------------------------------------------


def test_only_listed_specialists_within_dates_and_with_consent_are_public():
    today = TODAY()
    shown = _specialist("Shown")
    _specialist("Suspended", status=RegisteredSpecialist.Status.SUSPENDED)
    _specialist("Withdrawn", status=RegisteredSpecialist.Status.WITHDRAWN)
    _specialist("Not yet", listed_from=today + DAY)
    _specialist("Ended", listed_from=today - 20 * DAY, listed_until=today - DAY)
    _specialist("No consent", publication_consent_on=None)
    _specialist("Consent later", publication_consent_on=today + DAY)
    last_day = _specialist("Last day", listed_until=today)

    public = RegisteredSpecialist.objects.listed(today)

    assert sorted(s.full_name for s in public) == ["Last day", "Shown"]
    assert shown.is_listed_on(today) and last_day.is_listed_on(today)
    assert not last_day.is_listed_on(today + DAY)


def test_codes_are_checked_and_stored_as_sets():
    specialist = _specialist(languages=["pt", "en", "pt"])
    specialist.refresh_from_db()
    assert specialist.languages == ["en", "pt"]
    assert RegisteredSpecialist.objects.filter(languages="pt,en").get() == specialist
    assert RegisteredSpecialist.objects.speaking("en").get() == specialist
    assert specialist.language_labels == ["English", "Portuguese"]

    specialist.languages = ["pt", "xx"]
    with pytest.raises(ValidationError) as error:
        specialist.full_clean()
    assert "languages" in error.value.message_dict
    specialist.languages = []
    specialist.expertise = []
    with pytest.raises(ValidationError) as error:
        specialist.full_clean()
    assert {"languages", "expertise"} <= set(error.value.message_dict)


def test_filters_by_expertise_language_country_standard_and_name():
    ana = _specialist("Ana Paula Ferreira")
    mamadou = _specialist(
        "Mamadou Sow",
        country="GN",
        expertise=["human-rights", "community-engagement"],
        languages=["fr", "ff", "sus"],
        standards=("PS", "CoC"),
        organisation="Boké Rights Network",
    )
    grace = _specialist(
        "Grace Walker",
        country="AU",
        expertise=["environment-biodiversity"],
        languages=["en", "rop"],
    )

    def names(**params):
        f = register_specialists.parse_specialist_filters(params)
        return [s.full_name for s in register_specialists.listed_specialists(f, TODAY())]

    assert names() == [ana.full_name, grace.full_name, mamadou.full_name]
    assert names(language="pt") == [ana.full_name]
    assert names(language="en") == [ana.full_name, grace.full_name]
    assert names(language="SUS") == [mamadou.full_name]
    assert names(language="es") == []
    assert names(expertise="community-engagement") == [ana.full_name, mamadou.full_name]
    assert names(expertise="human-rights", language="fr") == [mamadou.full_name]
    assert names(country="au") == [grace.full_name]
    assert names(standard="coc") == [mamadou.full_name]
    assert names(q="rights network") == [mamadou.full_name]
    assert names(q="walker") == [grace.full_name]


@pytest.mark.parametrize(
    "params, bad",
    [
        ({"language": "xx"}, "language"),
        ({"expertise": "astrology"}, "expertise"),
        ({"country": "ZZ"}, "country"),
        ({"standard": "ISO"}, "standard"),
        ({"q": "a\x00b"}, "q"),
        ({"language": "p" * 101}, "language"),
    ],
)
def test_bad_filters_are_refused_with_the_parameter_named(params, bad):
    with pytest.raises(register_specialists.FilterErrors) as error:
        register_specialists.parse_specialist_filters(params)
    assert list(error.value.errors) == [bad]


# --- HTML, CSV -------------------------------------------------------------------------


def test_specialists_tab_lists_filters_and_pages(client):
    _specialist("Ana Paula Ferreira")
    _specialist("Hidden Suspended", status=RegisteredSpecialist.Status.SUSPENDED)
    RegisteredSpecialist.objects.bulk_create(
        [
            RegisteredSpecialist(
                full_name=f"Zz Bulk {i:02d}",
                country="GN",
                expertise=["other"],
                languages=["fr"],
                listed_from=TODAY(),
                publication_consent_on=TODAY(),
            )
            for i in range(25)
        ]
    )
    url = reverse("accreditation:register_specialists")

    page = client.get(url)
    assert page.status_code == 200
    assert b"26 specialists listed" in page.content
    assert b"Ana Paula Ferreira" in page.content and b"Hidden Suspended" not in page.content
    assert b"Zz Bulk 24" not in page.content  # on page 2
    assert b"Zz Bulk 24" in client.get(url, {"page": 2}).content

    filtered = client.get(url, {"language": "pt", "expertise": "community-engagement"})
    assert b"1 specialist listed" in filtered.content
    assert b"Ana Paula Ferreira" in filtered.content and b"Zz Bulk" not in filtered.content
    assert b"No registered specialist matches" in client.get(url, {"country": "AU"}).content

    bad = client.get(url, {"language": "xx"})
    assert bad.status_code == 400
    assert b"unknown language code" in bad.content


def test_specialist_page_is_shown_only_while_listed(client):
    shown = _specialist(public_email="ana@example.org")
    hidden = _specialist("No Consent", publication_consent_on=None)

    page = client.get(reverse("accreditation:register_specialist", args=[shown.pk]))
    assert page.status_code == 200
    assert b"ana@example.org" in page.content and b"Portuguese" in page.content
    assert b"not an accredited auditor" in page.content
    assert (
        client.get(reverse("accreditation:register_specialist", args=[hidden.pk])).status_code
        == 404
    )
    assert client.get("/auditors/specialists/999999/").status_code == 404


def test_csv_export_matches_the_filter_and_neutralises_formulas(client):
    _specialist('=HYPERLINK("https://evil.example")', organisation="@Org")
    _specialist("Grace Walker", country="AU", languages=["en", "rop"])
    _specialist("Hidden", status=RegisteredSpecialist.Status.WITHDRAWN)

    response = client.get(reverse("accreditation:register_specialists_csv"), {"country": "BR"})

    rows = _csv(response)
    assert rows[0] == list(register_specialists.CSV_COLUMNS)
    assert len(rows) == 2
    assert rows[1][:6] == [
        '\'=HYPERLINK("https://evil.example")',
        "'@Org",
        "BR",
        "community-engagement",
        "en;pt",
        "PS",
    ]
    assert client.get("/auditors/specialists/export.csv?standard=nope").status_code == 400


# --- API ---------------------------------------------------------------------------------


def test_api_lists_specialists_with_the_same_filters(client):
    ana = _specialist(public_email="ana@example.org", listed_until=TODAY() + 30 * DAY)
    _specialist("Mamadou Sow", country="GN", languages=["fr", "ff"], standards=("PS", "CoC"))
    _specialist("Hidden", publication_consent_on=None)

    everyone = client.get("/api/v1/specialists").json()
    assert everyone["count"] == 2
    assert client.get("/api/v1/specialists?language=pt").json()["items"] == [
        {
            "id": ana.pk,
            "name": "Ana Paula Ferreira",
            "organisation": "",
            "country": "BR",
            "expertise": ["community-engagement"],
            "languages": ["en", "pt"],
            "standards": ["PS"],
            "description": "Community consultations in Pará.",
            "contact_email": "ana@example.org",
            "listed_from": (TODAY() - 10 * DAY).isoformat(),
            "listed_until": (TODAY() + 30 * DAY).isoformat(),
        }
    ]
    assert client.get("/api/v1/specialists?standard=CoC&country=GN").json()["count"] == 1
    assert client.get("/api/v1/specialists?page=2").json() == {"count": 2, "items": []}


@pytest.mark.parametrize(
    "query",
    ["language=xx", "expertise=astrology", "country=ZZZ", "page=0", "page=abc", "q=" + "x" * 300],
)
def test_api_refuses_bad_filters_with_422(client, query):
    assert client.get(f"/api/v1/specialists?{query}").status_code == 422


def test_api_detail_is_404_for_anyone_not_listed(client):
    shown = _specialist()
    suspended = _specialist("Suspended", status=RegisteredSpecialist.Status.SUSPENDED)

    detail = client.get(f"/api/v1/specialists/{shown.pk}")
    assert detail.status_code == 200 and detail.json()["name"] == "Ana Paula Ferreira"
    assert client.get(f"/api/v1/specialists/{suspended.pk}").status_code == 404
    assert client.get("/api/v1/specialists/123456789").status_code == 404
    for hostile in ("0", "-1", str(2**70), "abc"):
        assert client.get(f"/api/v1/specialists/{hostile}").status_code == 422


def test_api_schema_documents_the_specialist_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/specialists" in paths
    assert "/api/v1/specialists/{specialist_id}" in paths


# --- Never auditors ----------------------------------------------------------------------


def test_specialists_never_appear_with_auditors(client):
    user = UserFactory(full_name="Specialist With Account")
    specialist = _specialist("Specialist With Account", user=user)
    AccreditationFactory(auditor=AuditorFactory(user__full_name="Real Auditor"))

    auditors = client.get("/auditors/")
    assert b"Real Auditor" in auditors.content
    assert b"Specialist With Account" not in auditors.content
    assert b"Specialist With Account" not in b"".join(
        client.get("/auditors/export.csv").streaming_content
    )
    api_names = [item["name"] for item in client.get("/api/v1/auditors").json()["items"]]
    assert api_names == ["Real Auditor"]
    assert b"Specialist With Account" not in client.get("/auditors/search/?q=Specialist").content
    # A specialist is not an auditor: never eligible, whatever their listing says.
    standard = StandardFactory(code="PS")
    answer = check_eligibility(user, standard, sector_for(standard, "casthouse"), "BR")
    assert specialist.is_listed_on(TODAY()) and not answer.eligible


# --- Cache -------------------------------------------------------------------------------


@pytest.fixture
def locmem_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "specialist-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_saving_a_specialist_purges_the_cached_register(
    client, locmem_cache, django_capture_on_commit_callbacks
):
    specialist = _specialist()
    url = "/auditors/specialists/"
    assert client.get(url)["X-Register-Cache"] == "miss"
    assert client.get(url)["X-Register-Cache"] == "hit"
    assert client.get("/api/v1/specialists")["X-Register-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        specialist.status = RegisteredSpecialist.Status.SUSPENDED
        specialist.save(update_fields=["status"])

    page = client.get(url)
    assert page["X-Register-Cache"] == "miss"
    assert b"Ana Paula Ferreira" not in page.content
    assert client.get("/api/v1/specialists").json()["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        specialist.status = RegisteredSpecialist.Status.LISTED
        specialist.save(update_fields=["status"])
    assert client.get(url, {"standard": "CoC"})["X-Register-Cache"] == "miss"
    assert client.get(url, {"standard": "CoC"})["X-Register-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        specialist.standards.add(StandardFactory(code="CoC"))
    coc = client.get(url, {"standard": "CoC"})
    assert coc["X-Register-Cache"] == "miss" and b"Ana Paula Ferreira" in coc.content


# --- Admin -------------------------------------------------------------------------------


def test_staff_list_filter_create_and_edit_specialists(staff_client):
    specialist = _specialist()
    _specialist("Mamadou Sow", country="GN", languages=["fr"])
    index = reverse("accreditation_specialist:index")

    listing = staff_client.get(index, {"language": "pt"})
    assert listing.status_code == 200
    assert b"Ana Paula Ferreira" in listing.content and b"Mamadou Sow" not in listing.content
    assert b"Mamadou Sow" in staff_client.get(index, {"q": "Mamadou"}).content
    assert staff_client.get(reverse("accreditation_specialist:add")).status_code == 200
    edit = staff_client.get(reverse("accreditation_specialist:edit", args=[specialist.pk]))
    assert edit.status_code == 200 and b'value="community-engagement"' in edit.content

    response = staff_client.post(
        reverse("accreditation_specialist:add"),
        {
            "full_name": "New Specialist",
            "organisation": "",
            "country": "GN",
            "expertise": ["human-rights", "fpic-indigenous-peoples"],
            "description": "",
            "languages": ["sus", "fr"],
            "standards": [StandardFactory(code="PS").pk],
            "status": "listed",
            "listed_from": TODAY().isoformat(),
            "listed_until": "",
            "publication_consent_on": TODAY().isoformat(),
            "public_email": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = RegisteredSpecialist.objects.get(full_name="New Specialist")
    assert created.languages == ["fr", "sus"]
    assert created.expertise == ["fpic-indigenous-peoples", "human-rights"]
    assert created.is_listed_on(TODAY())


def test_admin_pages_refuse_people_without_admin_access(client, member_client):
    specialist = _specialist()
    for url in (
        reverse("accreditation_specialist:index"),
        reverse("accreditation_specialist:add"),
        reverse("accreditation_specialist:edit", args=[specialist.pk]),
    ):
        assert member_client.get(url).status_code in (302, 403)
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"]


# --- Privacy -----------------------------------------------------------------------------


def test_export_includes_and_erasure_unlists_the_specialist_record(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    specialist = _specialist(user=user, public_email="ana@example.org")
    assert specialist_export_part(UserFactory()) == {}
    section = specialist_export_part(user)["registered_specialist"]
    assert section["name"] == "Ana Paula Ferreira"
    assert section["languages"] == ["English", "Portuguese"]
    assert section["shown_on_the_public_register_today"] is True

    part = specialist_erasure_part(user)
    assert specialist_erasure_part(UserFactory()) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert part.erase(user, "Erased person #abc") == {"registered_specialist": 1}

    specialist.refresh_from_db()
    assert specialist.full_name == "Erased person #abc"
    assert specialist.public_email == "" and specialist.description == ""
    assert specialist.status == RegisteredSpecialist.Status.WITHDRAWN
    assert not RegisteredSpecialist.objects.listed(TODAY()).exists()
