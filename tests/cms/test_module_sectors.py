"""A learning module's sectors are the accreditation app's sector vocabulary (one source)."""

import pytest

from accreditation.models import Sector
from cms.models import LearningModulePage
from cms.models.learning import LearningModuleForm
from tests.accreditation.factories import sector_for

pytestmark = pytest.mark.django_db


def test_module_sector_choices_follow_the_accreditation_sector_rows():
    sector_for("PS", "recycling")  # a sector staff add to a standard's vocabulary
    Sector.objects.filter(slug="recycling").update(name="Recycling")

    choices = dict(LearningModuleForm.base_fields["sectors"].choices)

    assert choices["recycling"] == "Recycling"
    assert choices["post-casthouse"].startswith("Post-casthouse")
    assert len(choices) == Sector.objects.values("slug").distinct().count()


def test_module_sector_labels_are_the_accreditation_sector_names():
    page = LearningModulePage(title="m", sectors=["other-manufacturing", "casthouse", "gone"])
    Sector.objects.filter(slug="casthouse").update(name="Casthouse (renamed)")

    assert page.sector_labels == [
        "Other manufacturing or sale of products containing aluminium",
        "Casthouse (renamed)",
        "gone",
    ]
