"""The public "How to become an accredited auditor" page: steps, what is checked and the
fees, read from the data so they never go stale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation.models import Requirement
from cms.models import AuditorPathwayPage
from courses.payments.models import Kind
from tests.accreditation.factories import ProgrammeFactory, RequirementFactory
from tests.cms.factories import add_page
from tests.payments.factories import CatalogueItemFactory, CourseItemFactory, ExamItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(home):
    return add_page(
        home,
        AuditorPathwayPage(
            title="How to become an accredited auditor",
            slug="become-an-auditor",
            typical_duration="6 to 10 weeks",
        ),
    )


def _programme_with_priced_training():
    programme = ProgrammeFactory()
    course_item = CourseItemFactory(name="Auditor course enrolment", price=(45000, 30000))
    exam_item = ExamItemFactory(name="Auditor exam sitting", price=(15000, None))
    RequirementFactory(
        programme=programme,
        kind=Requirement.Kind.COURSE_COMPLETED,
        title="Complete the auditor course",
        course=course_item.course,
        evidence_description="",
    )
    RequirementFactory(
        programme=programme,
        kind=Requirement.Kind.EXAM_PASSED,
        title="Pass the auditor exam",
        quiz=exam_item.quiz,
        min_percent=75,
        evidence_description="",
    )
    RequirementFactory(programme=programme, title="Audit experience")
    return programme


def test_a_visitor_who_is_not_signed_in_reads_the_steps_checks_and_fees(client, pathway):
    programme = _programme_with_priced_training()
    CatalogueItemFactory(
        kind=Kind.FIRM_APPLICATION, name="Firm application fee", price=(150000, None)
    )

    response = client.get("/become-an-auditor/")

    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "6 to 10 weeks",
        programme.name,
        "Complete the auditor course",
        "Auditor course enrolment: EUR 450.00, EUR 300.00 for members",
        "Pass the auditor exam",
        "at least 75 %",
        "Auditor exam sitting: EUR 150.00",
        "Audit experience",
        "A lead-auditor course certificate",
        "Firm application fee: EUR 1,500.00",
        "Create an account to start",
    ):
        assert expected in html, expected


def test_a_fee_taken_off_sale_disappears_from_the_page(client, pathway):
    programme = ProgrammeFactory()
    item = CourseItemFactory(name="Withdrawn course fee", price=(1000, None), active=False)
    RequirementFactory(
        programme=programme,
        kind=Requirement.Kind.COURSE_COMPLETED,
        course=item.course,
    )

    html = client.get("/become-an-auditor/").content.decode()

    assert "Withdrawn course fee" not in html


def test_the_page_costs_a_fixed_number_of_queries(client, pathway):
    _programme_with_priced_training()
    client.get("/become-an-auditor/")
    with CaptureQueriesContext(connection) as small:
        client.get("/become-an-auditor/")
    for _ in range(3):
        _programme_with_priced_training()
    with CaptureQueriesContext(connection) as large:
        client.get("/become-an-auditor/")

    assert len(large) == len(small)


def test_every_page_links_for_auditors_to_the_public_pathway(client, pathway):
    html = client.get("/courses/").content.decode()

    assert 'href="/become-an-auditor/">For auditors<' in html
