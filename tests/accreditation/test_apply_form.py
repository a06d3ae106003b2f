"""The application form: countries as a list of ISO names to tick (with a filter box),
sectors and countries each in a fieldset with a legend, suspended firms not offered, a
warning when an application for the same standard is still open, and evidence never
uploaded shown as missing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accreditation.models import AuditorProfile, FirmStatusChange
from accreditation.selectors import requirements_status
from tests.accreditation.factories import (
    ApplicationFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
    sector_for,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_client():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_the_form_groups_choices_in_fieldsets_with_iso_country_names(person_client):
    version = StandardVersionFactory(standard__code="CoC")
    page = person_client.get(reverse("accreditation:apply", args=[version.pk])).content.decode()
    assert page.count("<fieldset") >= 2
    assert "<legend>Sectors</legend>" in page and "<legend>Countries</legend>" in page
    assert 'type="checkbox" name="countries" value="NR"' in page
    assert "Nauru" in page and "Naoero" not in page
    assert 'class="choice-filter"' in page and "js/choice-filter.js" in page


def test_suspended_and_withdrawn_firms_are_not_offered(person_client):
    version = StandardVersionFactory(standard__code="CoC")
    good = FirmFactory(name="Good Audits")
    suspended = FirmFactory(name="Paused Audits")
    withdrawn = FirmFactory(name="Gone Audits")
    later = FirmFactory(name="Later Audits")
    today = datetime.date.today()
    for firm, status, when in (
        (suspended, FirmStatusChange.Status.SUSPENDED, today),
        (withdrawn, FirmStatusChange.Status.WITHDRAWN, today - datetime.timedelta(days=9)),
        (later, FirmStatusChange.Status.SUSPENDED, today + datetime.timedelta(days=30)),
    ):
        FirmStatusChange.objects.create(firm=firm, status=status, effective_from=when, reason="x")
    page = person_client.get(reverse("accreditation:apply", args=[version.pk])).content.decode()
    assert "Good Audits" in page and "Later Audits" in page
    assert "Paused Audits" not in page and "Gone Audits" not in page
    response = person_client.post(
        reverse("accreditation:apply", args=[version.pk]),
        {"firm": suspended.pk, "sectors": [sector_for("CoC", "casthouse").pk], "countries": ["DE"]},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not good.applications.exists() and not suspended.applications.exists()


def test_an_open_application_for_the_same_standard_is_pointed_out(person_client):
    profile = AuditorProfile.objects.create(user=person_client.user)
    existing = ApplicationFactory(auditor=profile)
    version = existing.standard_version
    page = person_client.get(reverse("accreditation:apply", args=[version.pk])).content.decode()
    assert "You already have an application for" in page
    assert reverse("accreditation:application", args=[existing.pk]) in page

    other = StandardVersionFactory(standard__code="XX")
    page = person_client.get(reverse("accreditation:apply", args=[other.pk])).content.decode()
    assert "You already have an application for" not in page


def test_evidence_never_uploaded_is_missing_not_refused():
    application = ApplicationFactory()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=application.standard_version),
        title="Lead auditor certificate",
    )
    (status,) = requirements_status(application=application)
    assert status.detail == "Missing: nothing uploaded yet"
