"""The staff back office: review, grant, decisions with reasons, read-only log."""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from wagtail.models import ModelLogEntry

from accreditation import services
from accreditation.models import Accreditation, Application, ScopeStatus
from accreditation.selectors import scope_on
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    FirmFactory,
    StandardVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "accreditation_application:index",
        "accreditation_accreditation:index",
        "accreditation_firm:index",
        "accreditation_auditor:index",
        "accreditation_programme:index",
        "accreditation_standard:index",
        "accreditation_version:index",
        "accreditation_sector:index",
        "accreditation_decision:index",
    ],
)
def test_secretariat_sees_every_accreditation_listing(staff_client, name):
    AccreditationFactory()
    response = staff_client.get(reverse(name))
    assert response.status_code == 200


def test_the_lists_filter_by_standard_version(staff_client):
    old = StandardVersionFactory(version="V2")
    current = StandardVersionFactory()
    old_application = ApplicationFactory(standard_version=old)
    current_application = ApplicationFactory(standard_version=current)
    url = reverse("accreditation_application:index")
    listed = staff_client.get(url, {"standard_version": old.pk}).content.decode()
    assert str(old) in listed  # offered by the filter, named by its standard
    assert str(old_application) in listed and str(current_application) not in listed

    old_accreditation = AccreditationFactory(standard_version=old)
    current_accreditation = AccreditationFactory(standard_version=current)
    url = reverse("accreditation_accreditation:index")
    listed = staff_client.get(url, {"standard_version": current.pk}).content.decode()
    assert old_accreditation.code not in listed and current_accreditation.code in listed


def test_programme_edit_form_has_requirements_inline(staff_client):
    from tests.accreditation.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    response = staff_client.get(reverse("accreditation_programme:edit", args=[programme.pk]))
    assert response.status_code == 200
    assert b"requirements-TOTAL_FORMS" in response.content


def test_decisions_log_is_read_only_for_staff(staff_client, staff_user):
    accreditation = AccreditationFactory()
    entry = services.accreditation_suspend(
        accreditation=accreditation, actor=staff_user, reason="Complaint from a client"
    )
    listing = staff_client.get(reverse("accreditation_decision:index"))
    assert listing.status_code == 200
    assert b"Complaint from a client" in listing.content
    for view in ("add", "edit", "delete", "inspect"):
        with pytest.raises(NoReverseMatch):
            reverse(f"accreditation_decision:{view}", args=[entry.pk])
    with pytest.raises(NoReverseMatch):
        reverse("accreditation_decision:add")


def test_review_screen_grants_part_of_the_scope_after_confirmation(staff_client, staff_user):
    application = ApplicationFactory(
        standard_version=StandardVersionFactory(standard__code="CoC"),
        sectors=["casthouse", "post-casthouse"],
        countries=["DE", "GN"],
    )
    application.status = Application.Status.READY_FOR_REVIEW
    application.save()
    url = reverse("accreditation_application:review", args=[application.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert b"Casthouse" in page.content
    data = {
        "action": "grant",
        "grant-scope": ["casthouse|GN"],
        "grant-valid_from": "2025-01-01",
        "grant-valid_until": "2027-12-31",
        "grant-reason": "Complete",
    }
    confirm = staff_client.post(url, data)
    assert confirm.status_code == 200
    assert b"Confirm" in confirm.content
    assert not Accreditation.objects.exists()
    done = staff_client.post(url, {**data, "confirm": "yes"})
    assert done.status_code == 302
    accreditation = Accreditation.objects.get()
    assert list(accreditation.scope.values_list("sector__slug", "country")) == [("casthouse", "GN")]
    assert ModelLogEntry.objects.get(action="accreditation.granted").user == staff_user


def test_review_screen_refuses_a_grant_without_reason(staff_client):
    application = ApplicationFactory()
    application.status = Application.Status.READY_FOR_REVIEW
    application.save()
    url = reverse("accreditation_application:review", args=[application.pk])
    response = staff_client.post(
        url,
        {
            "action": "grant",
            "grant-scope": ["casthouse|DE"],
            "grant-valid_from": "2025-01-01",
            "grant-reason": " ",
            "confirm": "yes",
        },
    )
    assert response.status_code == 200
    assert not Accreditation.objects.exists()


def test_accreditation_screen_suspends_one_element_with_reason(staff_client):
    accreditation = AccreditationFactory(scope=[("casthouse", "DE"), ("casthouse", "FR")])
    france = accreditation.scope.get(country="FR")
    url = reverse("accreditation_accreditation:detail", args=[accreditation.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "action": "suspend",
            "suspend-elements": [france.pk],
            "suspend-effective": datetime.date.today().isoformat(),
            "suspend-reason": "Complaint under investigation",
            "confirm": "yes",
        },
    )
    assert response.status_code == 302
    statuses = {v.element.country: v.status for v in scope_on(accreditation)}
    assert statuses == {"DE": ScopeStatus.ACTIVE, "FR": ScopeStatus.SUSPENDED}
    entry = ModelLogEntry.objects.get(action="accreditation.suspended")
    assert entry.data["reason"] == "Complaint under investigation"


def test_firm_decision_screen_suspends_the_firm(staff_client):
    firm = FirmFactory()
    url = reverse("accreditation_firm:decisions", args=[firm.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url, {"action": "suspend", "firm-reason": "Fee unpaid", "confirm": "yes"}
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action__startswith="accreditation.firm.")
    assert (entry.action, entry.object_id) == ("accreditation.firm.suspended", str(firm.pk))


def test_auditors_cannot_reach_the_decision_screens(client):
    from tests.accreditation.factories import AuditorFactory

    accreditation = AccreditationFactory()
    client.force_login(AuditorFactory().user)
    url = reverse("accreditation_accreditation:detail", args=[accreditation.pk])
    assert client.get(url).status_code in (302, 403)


def test_editing_a_firm_in_the_admin_purges_the_register_cache(
    staff_client, django_capture_on_commit_callbacks
):
    from accreditation import cache as register_cache

    firm = FirmFactory()
    generation = register_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("accreditation_firm:edit", args=[firm.pk]),
            {
                "name": "Renamed Firm",
                "slug": firm.slug,
                "country": "DE",
                "website": "",
                "scheme": "17065",
                "accreditation_body": "DAkkS",
                "accreditation_number": "1",
                "scope-TOTAL_FORMS": "0",
                "scope-INITIAL_FORMS": "0",
                "scope-MIN_NUM_FORMS": "0",
                "scope-MAX_NUM_FORMS": "1000",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    firm.refresh_from_db()
    assert firm.name == "Renamed Firm"
    assert register_cache.generation() != generation
