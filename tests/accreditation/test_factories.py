import pytest

from accreditation import models
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    AuditorFactory,
    FirmFactory,
    RequirementFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_build_a_consistent_accreditation_with_active_scope():
    accreditation = AccreditationFactory(scope=[("casthouse", "GN"), ("casthouse", "DE")])
    assert accreditation.scope.count() == 2
    assert (
        models.ScopeStatusChange.objects.filter(element__accreditation=accreditation).count() == 2
    )
    assert accreditation.firm.periods.count() == 1
    assert models.Affiliation.objects.filter(
        auditor=accreditation.auditor, firm=accreditation.firm
    ).exists()
    assert accreditation.standard_version.version == "V3"


def test_factories_reuse_seeded_reference_data():
    application = ApplicationFactory(sectors=["casthouse"])
    assert models.Standard.objects.filter(code="PS").count() == 1
    assert application.sectors.get().slug == "casthouse"
    assert FirmFactory(period=False).periods.count() == 0
    assert AuditorFactory().user.groups.filter(name="Auditors").exists()
    assert RequirementFactory().programme.standard_version.version == "V3"
