"""/verify/<code>/ shows an accreditation's current status and scope."""

import pytest

from accreditation import models, selectors
from courses.verification import verify_code
from lms.formats import local_date
from tests.accreditation.factories import AccreditationFactory, AuditorFactory, FirmFactory
from tests.accreditation.register_helpers import days_from_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def accreditation(db):
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Vera Verify", listed_consent=False),
        firm=FirmFactory(name="Verify Firm"),
        scope=[("casthouse", "CN"), ("casthouse", "DE")],
    )


def test_lookup_is_registered_with_the_shared_verification_page(accreditation):
    result = verify_code(accreditation.code)

    assert result is not None
    assert result.holder_name == "Vera Verify"
    assert result.valid is True
    assert result.status_label == "Active"


def test_verify_page_shows_an_active_accreditation_and_its_scope(client, accreditation):
    response = client.get(f"/verify/{accreditation.code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vera Verify" in html and "Verify Firm" in html
    assert "PS · Casthouse · China — active until Dec. 31, 2030" in html


@pytest.mark.parametrize(
    ("status", "label"), [("suspended", "Suspended"), ("withdrawn", "Withdrawn")]
)
def test_suspended_or_withdrawn_accreditation_verifies_as_such(
    client, accreditation, status, label
):
    for element in accreditation.scope.all():
        models.ScopeStatusChange.objects.create(
            element=element, status=status, effective_from=days_from_today(-3)
        )

    result = verify_code(accreditation.code)
    html = client.get(f"/verify/{accreditation.code}/").content.decode()

    assert result.valid is False
    assert result.status_label == label
    assert label in html
    assert f"{status} since {local_date(days_from_today(-3))}" in html


def test_partly_suspended_scope_shows_each_elements_status(accreditation):
    models.ScopeStatusChange.objects.create(
        element=accreditation.scope.get(country="DE"),
        status="suspended",
        effective_from=days_from_today(-1),
    )

    result = verify_code(accreditation.code)

    scope = [value for label, value in result.details if label == "Scope"]
    assert result.valid is True
    assert scope == [
        "PS · Casthouse · China — active until Dec. 31, 2030",
        f"PS · Casthouse · Germany — suspended since {local_date(days_from_today(-1))}",
    ]


def test_suspended_firm_makes_the_accreditation_not_valid(accreditation):
    models.FirmStatusChange.objects.create(
        firm=accreditation.firm, status="suspended", effective_from=days_from_today(-1), reason="x"
    )

    result = verify_code(accreditation.code)

    assert result.valid is False
    assert "suspended" in result.status_label


def test_unknown_code_is_not_an_accreditation(db):
    assert selectors.find_accreditation_certificate("no-such-code") is None
