"""Consent to be named on the public register: explicit, dated and withdrawable from the
auditor's profile. Withdrawal takes the person off the register page, its CSV export, the
API, their public page and their firm's page at once (the cached pages too); re-granting
lists them again; verification by certificate code still answers."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accreditation import services
from accreditation.models import AuditorProfile, RegisterConsent
from tests.accreditation.factories import AccreditationFactory, AuditorFactory, FirmFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = "Lina Listed"


@pytest.fixture
def accreditation(db):
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name=NAME, listed_consent=True),
        firm=FirmFactory(name="Consent Firm", slug="consent-firm"),
        scope=[("casthouse", "NO")],
    )


@pytest.fixture
def auditor_client(accreditation) -> Client:
    client = Client()
    client.force_login(accreditation.auditor.user)
    return client


def _csv(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _public_views(client: Client, accreditation) -> dict[str, tuple[int, bool]]:
    """For each public place: (status, whether the name is there), as an anonymous visitor
    sees it (so through the register's cache)."""
    pages = {
        "register": client.get(reverse("accreditation:register")),
        "csv": client.get(reverse("accreditation:register_csv")),
        "api": client.get("/api/v1/auditors"),
        "auditor": client.get(
            reverse("accreditation:register_auditor", args=[accreditation.auditor_id])
        ),
        "firm": client.get(reverse("accreditation:register_firm", args=["consent-firm"])),
    }
    return {
        key: (
            response.status_code,
            NAME.encode() in (_csv(response) if key == "csv" else response.content),
        )
        for key, response in pages.items()
    }


LISTED = {
    "register": (200, True),
    "csv": (200, True),
    "api": (200, True),
    "auditor": (200, True),
    "firm": (200, True),
}
UNLISTED = {
    "register": (200, False),
    "csv": (200, False),
    "api": (200, False),
    "auditor": (404, False),
    "firm": (200, False),
}


def test_the_profile_shows_the_consent_with_its_date_and_a_way_to_withdraw_it(
    accreditation, auditor_client
):
    services.register_consent_set(
        profile=accreditation.auditor, granted=False, actor=accreditation.auditor.user
    )
    services.register_consent_set(
        profile=accreditation.auditor, granted=True, actor=accreditation.auditor.user
    )

    html = auditor_client.get(reverse("accreditation:profile")).content.decode()

    assert "You agreed on" in html
    assert "Withdraw my consent" in html
    assert html.count("By the auditor, on their profile") == 2  # the dated history


def test_withdrawal_is_a_dated_record_and_leaves_every_public_listing_at_once(
    accreditation, auditor_client, client, django_capture_on_commit_callbacks
):
    assert _public_views(client, accreditation) == LISTED  # and now cached

    with django_capture_on_commit_callbacks(execute=True):
        response = auditor_client.post(
            reverse("accreditation:register_consent"), {"consent": "withdraw"}
        )

    assert response.status_code == 302
    profile = AuditorProfile.objects.get(pk=accreditation.auditor_id)
    assert profile.listed_consent is False
    record = RegisterConsent.objects.get(auditor=profile)
    assert (record.granted, record.source, record.by) == (False, "profile", profile.user)
    assert record.at is not None
    entry = ModelLogEntry.objects.get(action="accreditation.auditor.consent_changed")
    assert entry.data == {"listed_consent": False} and entry.user == profile.user
    assert _public_views(client, accreditation) == UNLISTED
    assert (
        "You withdrew your consent on"
        in auditor_client.get(reverse("accreditation:profile")).content.decode()
    )


def test_re_granting_lists_the_auditor_again(
    accreditation, auditor_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        auditor_client.post(reverse("accreditation:register_consent"), {"consent": "withdraw"})
    assert _public_views(client, accreditation) == UNLISTED

    with django_capture_on_commit_callbacks(execute=True):
        auditor_client.post(reverse("accreditation:register_consent"), {"consent": "grant"})

    assert _public_views(client, accreditation) == LISTED
    assert list(
        RegisterConsent.objects.filter(auditor=accreditation.auditor).values_list(
            "granted", flat=True
        )
    ) == [True, False]  # newest first


def test_the_api_answers_without_the_withdrawn_auditor(
    accreditation, auditor_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        auditor_client.post(reverse("accreditation:register_consent"), {"consent": "withdraw"})

    body = client.get("/api/v1/auditors").json()

    assert body["count"] == 0 and body["items"] == []


def test_verification_by_certificate_code_still_answers_after_withdrawal(
    accreditation, auditor_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        auditor_client.post(reverse("accreditation:register_consent"), {"consent": "withdraw"})

    page = client.get(f"/verify/{accreditation.code}/")

    # Register policy: whoever holds the code was given the certificate by its holder.
    assert page.status_code == 200
    assert b"Active" in page.content and NAME.encode() in page.content


def test_the_same_answer_twice_records_nothing_new(accreditation, auditor_client):
    auditor_client.post(reverse("accreditation:register_consent"), {"consent": "grant"})

    assert not RegisterConsent.objects.exists()  # already granted: nothing changed


def test_the_profile_form_checkbox_also_leaves_a_dated_record(accreditation, auditor_client):
    auditor_client.post(reverse("accreditation:profile"), {"languages": "English"})

    record = RegisterConsent.objects.get()
    assert (record.granted, record.source) == (False, "profile")
    assert AuditorProfile.objects.get(pk=accreditation.auditor_id).listed_consent is False


def test_signed_out_visitors_and_gets_change_nothing(accreditation, client, auditor_client):
    url = reverse("accreditation:register_consent")

    signed_out = client.post(url, {"consent": "withdraw"})
    get = auditor_client.get(url, {"consent": "withdraw"})
    hostile = auditor_client.post(url, {"consent": "withdraw'; DROP TABLE--"})

    assert signed_out.status_code == 302 and "/accounts/login/" in signed_out["Location"]
    assert get.status_code == 405
    assert hostile.status_code == 404
    assert AuditorProfile.objects.get(pk=accreditation.auditor_id).listed_consent is True
    assert not RegisterConsent.objects.exists()


def test_nobody_can_change_another_auditors_consent(accreditation):
    other = AuditorFactory(listed_consent=False)
    client = Client()
    client.force_login(other.user)

    client.post(
        reverse("accreditation:register_consent"),
        {
            "consent": "withdraw",
            "auditor": accreditation.auditor_id,
            "pk": accreditation.auditor_id,
        },
    )

    assert AuditorProfile.objects.get(pk=accreditation.auditor_id).listed_consent is True
    assert not RegisterConsent.objects.filter(auditor=accreditation.auditor).exists()


def test_a_person_without_an_auditor_profile_is_told_to_save_it_first(db):
    client = Client()
    client.force_login(UserFactory())

    response = client.post(reverse("accreditation:register_consent"), {"consent": "grant"})

    assert response.status_code == 302
    assert not AuditorProfile.objects.exists() and not RegisterConsent.objects.exists()


def test_staff_see_the_consent_in_the_admin_but_cannot_set_it(accreditation, staff_client):
    url = reverse("accreditation_auditor:edit", args=[accreditation.auditor_id])

    page = staff_client.get(url)

    assert page.status_code == 200
    assert b'name="listed_consent"' not in page.content


def test_the_import_records_the_consents_it_sets(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(
        "firm,firm_country,auditor_name,auditor_email,standard,sectors,countries,"
        "valid_from,valid_until,status,listed\n"
        "Nordic Cert AS,NO,Ola Nordmann,ola@example.org,CoC,casthouse,NO,"
        "2023-01-01,2030-12-31,active,yes\n"
        "Nordic Cert AS,NO,Kari Nordmann,kari@example.org,CoC,casthouse,SE,"
        "2023-01-01,2030-12-31,active,no\n",
        encoding="utf-8",
    )

    call_command("import_register", str(path))

    record = RegisterConsent.objects.get()
    assert (record.auditor.user.email, record.granted, record.source) == (
        "ola@example.org",
        True,
        "import",
    )
