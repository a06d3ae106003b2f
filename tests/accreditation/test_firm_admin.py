"""Firm admins see their auditors, training status, scope and what expires."""

import pytest
from django.contrib.auth.models import Group

from accreditation import models
from lms import roles
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    AuditorFactory,
    FirmFactory,
    FirmScopeElementFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
)
from tests.accreditation.register_helpers import days_from_today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_admin(db):
    return UserFactory(role=roles.FIRM_ADMIN, full_name="Fiona Admin")


@pytest.fixture
def firm(firm_admin):
    firm = FirmFactory(name="Admin Firm", period=(days_from_today(-300), days_from_today(60)))
    firm.admins.add(firm_admin)
    FirmScopeElementFactory(firm=firm, country="CN", valid_until=days_from_today(30))
    return firm


def test_firm_admin_sees_firm_status_auditors_scope_and_expiries(client, firm_admin, firm):
    AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Soon Expiring", listed_consent=False),
        firm=firm,
        scope=[("casthouse", "CN")],
        valid_until=days_from_today(45),
    )
    AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Long Valid"),
        firm=firm,
        scope=[("casthouse", "DE")],
    )
    AccreditationFactory(auditor=AuditorFactory(user__full_name="Other Firm Person"))
    client.force_login(firm_admin)

    response = client.get("/accreditation/firm/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Admin Firm" in html and "Accredited" in html
    assert "Soon Expiring" in html and "Long Valid" in html
    assert "Other Firm Person" not in html
    (overview,) = response.context["overviews"]
    expiring = [(item.on, item.who) for item in overview.expiring]
    assert expiring == [
        (days_from_today(30), ""),
        (days_from_today(45), "Soon Expiring"),
        (days_from_today(60), ""),
    ]
    assert "PS · Casthouse · China — active until" in html


def test_firm_admin_sees_training_problems_from_the_eligibility_engine(client, firm_admin, firm):
    version = StandardVersionFactory(standard__code="PS")
    RequirementFactory(programme=ProgrammeFactory(standard_version=version), title="CV check")
    AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Needs Training"),
        firm=firm,
        standard_version=version,
        scope=[("casthouse", "CN")],
    )
    client.force_login(firm_admin)

    response = client.get("/accreditation/firm/")

    (overview,) = response.context["overviews"]
    (row,) = overview.auditors
    assert row.training_problems
    assert "Action needed" in response.content.decode()


def test_firm_admin_sees_open_applications_with_requirements_met(client, firm_admin, firm):
    version = StandardVersionFactory(standard__code="PS")
    RequirementFactory(programme=ProgrammeFactory(standard_version=version))
    ApplicationFactory(
        auditor=AuditorFactory(user__full_name="In Training"),
        firm=firm,
        standard_version=version,
        status=models.Application.Status.IN_TRAINING,
    )
    client.force_login(firm_admin)

    html = client.get("/accreditation/firm/").content.decode()

    assert "In Training" in html
    assert "0 of 1 requirements met" in html


def test_firm_admin_page_needs_a_firm_admin(client, firm):
    assert client.get("/accreditation/firm/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/accreditation/firm/").status_code == 403


def test_named_admin_without_the_group_may_see_their_firm(client, firm):
    person = UserFactory()
    firm.admins.add(person)
    client.force_login(person)

    assert client.get("/accreditation/firm/").status_code == 200


def test_group_member_without_a_firm_sees_an_explanation(client):
    person = UserFactory(role=roles.FIRM_ADMIN)
    assert Group.objects.get(name=roles.FIRM_ADMIN) in person.groups.all()
    client.force_login(person)

    response = client.get("/accreditation/firm/")

    assert response.status_code == 200
    assert response.context["overviews"] == []


@pytest.mark.django_db
def test_payments_sees_the_firms_an_admin_runs_and_only_their_own_auditors_get_sittings():
    from courses.payments.firms import firm_fee_pages, may_assign_sitting, sitting_candidates
    from tests.accreditation.factories import AffiliationFactory, AuditorFactory, FirmFactory
    from tests.factories import UserFactory

    firm = FirmFactory()
    admin = UserFactory()
    firm.admins.add(admin)
    own = AuditorFactory()
    AffiliationFactory(auditor=own, firm=firm)
    stranger = AuditorFactory()

    pages = firm_fee_pages(admin, kind="firm_renewal")
    assert [page.firm_name for page in pages] == [firm.name]
    assert pages[0].url == f"/accreditation/firm/{firm.pk}/fees/firm_renewal/"
    assert firm_fee_pages(UserFactory(), kind="firm_renewal") == []
    assert list(sitting_candidates(admin)) == [own.user]
    assert may_assign_sitting(admin, own.user) is True
    assert may_assign_sitting(admin, stranger.user) is False


def test_firm_admin_page_links_to_firm_fees_and_sittings_on_sale(client, firm_admin, firm):
    from tests.payments.factories import CatalogueItemFactory, ExamItemFactory

    CatalogueItemFactory(kind="firm_renewal", name="Yearly renewal fee", price=(100000, None))
    ExamItemFactory(name="Sitting", quiz__title="Auditor exam", quiz__slug="final")
    client.force_login(firm_admin)

    html = client.get("/accreditation/firm/").content.decode()

    assert 'href="/payments/buy/firm-fee/firm_renewal/"' in html
    assert "Pay: Yearly renewal fee" in html
    assert 'href="/payments/buy/exam/final/?for=firm"' in html and "“Auditor exam”" in html
    assert "firm_application" not in html  # not on sale, not offered
    assert 'href="/payments/sittings/"' in html
