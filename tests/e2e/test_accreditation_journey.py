"""An auditor applies for accreditation through a firm, sees requirement by requirement what
is missing (with links), uploads evidence and submits; the page shows the result."""

import datetime
import re

import pytest

from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_auditor_applies_uploads_evidence_and_submits(page, tmp_path, live_server):
    from django.contrib.auth.models import Group

    from courses.models import Course
    from lms import roles
    from tests.accreditation.factories import (
        AccreditationFactory,
        AuditorFactory,
        FirmFactory,
        ProgrammeFactory,
        RequirementFactory,
        StandardVersionFactory,
        sector_for,
    )

    for name in roles.ALL:
        Group.objects.get_or_create(name=name)
    version = StandardVersionFactory(
        standard__code="CoC", sectors=["casthouse", "post-casthouse", "aluminium-smelting"]
    )
    programme = ProgrammeFactory(standard_version=version, name="CoC V2 auditor accreditation")
    course = Course.objects.create(
        title="Chain of Custody auditor training", slug="coc-training", live=True
    )
    RequirementFactory(
        programme=programme,
        kind="course",
        title="Chain of Custody auditor training",
        course=course,
        recency_months=24,
    )
    RequirementFactory(programme=programme, title="Lead-auditor course certificate")
    FirmFactory(name="Nordic Certification AS")
    auditor = AuditorFactory(user__email="ada@example.org", user__full_name="Ada Auditor")
    AccreditationFactory(
        auditor=auditor,
        standard_version=StandardVersionFactory(standard__code="PS"),
        scope=[("casthouse", "NO"), ("semi-fabrication", "NO")],
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    sector_for("CoC", "casthouse")

    watch_errors(page)
    sign_in(page, "ada@example.org")
    check_page(page)

    page.goto("/accreditation/")
    page.get_by_role("heading", name="My accreditation").wait_for()
    check_page(page)
    page.get_by_role("link", name="Apply for accreditation").click()
    page.get_by_role("link", name="Chain of Custody Standard V2").wait_for()
    check_page(page)
    page.get_by_role("link", name="Chain of Custody Standard V2").click()
    page.get_by_label("Audit firm").wait_for()
    check_page(page)
    page.get_by_label("Audit firm").select_option(label="Nordic Certification AS")
    page.get_by_label("Casthouse", exact=True).check()
    # Countries: the filter box narrows the long list, then each one is ticked.
    countries = page.get_by_role("group", name="Countries")
    countries.get_by_placeholder("Type to find a country").fill("nor")
    countries.get_by_label("Norway", exact=True).check()
    countries.get_by_placeholder("Type to find a country").fill("swe")
    countries.get_by_label("Sweden", exact=True).check()
    assert countries.get_by_text("2 chosen").is_visible()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("saved as a draft").wait_for()
    page.get_by_role("link", name=re.compile(r"Go to the course\W+Chain of Custody")).wait_for()
    check_page(page)
    page.get_by_role("link", name=re.compile(r"Upload evidence\W+Lead-auditor")).click()
    page.get_by_label("File").wait_for()
    check_page(page)
    upload = tmp_path / "certificate.pdf"
    upload.write_bytes(b"%PDF-1.4 lead auditor course")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("staff will review your document").wait_for()
    check_page(page)
    page.get_by_role("button", name="Submit application").click()
    page.get_by_text("Your application is submitted").wait_for()
    assert page.get_by_text("In training").first.is_visible()
    assert page.get_by_text("Evidence uploaded; waiting for review by staff").is_visible()
    check_page(page)
    screenshot(page, "accreditation-application")
    page.goto("/accreditation/")
    page.get_by_role("heading", name="Accreditations").wait_for()
    check_page(page)
    screenshot(page, "accreditation-mine")
    assert_every_page_checked(page, site=live_server.url)
