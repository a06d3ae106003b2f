"""A learner enrols, works through a course by keyboard, hands in an assignment, gets it
accepted, downloads the certificate and the public verification page confirms it."""

import pytest

from courses.models import LessonKind
from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _build_course():
    from tests.courses.factories import (
        AssignmentFactory,
        CourseFactory,
        LessonFactory,
        ModuleFactory,
    )

    course = CourseFactory(
        title="Due diligence essentials", slug="dd", summary="Four short lessons for members."
    )
    basics = ModuleFactory(course=course, title="Basics", sort_order=0)
    practice = ModuleFactory(course=course, title="In practice", sort_order=1)
    LessonFactory(module=basics, title="What due diligence means", sort_order=0)
    LessonFactory(module=basics, title="Risk-based approach", sort_order=1)
    LessonFactory(
        module=practice,
        title="Write your plan",
        kind=LessonKind.ASSIGNMENT,
        assignment=AssignmentFactory(title="Due diligence plan"),
        sort_order=0,
    )
    return course


def test_learner_completes_a_course_and_verifies_the_certificate(
    page, settings, tmp_path, live_server
):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    from courses import services
    from courses.models import Submission
    from tests.factories import SecretariatFactory, UserFactory

    _build_course()
    UserFactory(email="lena@example.org", full_name="Lena Learner")

    watch_errors(page)
    sign_in(page, "lena@example.org")
    check_page(page)
    page.goto("/courses/")
    check_page(page)
    page.get_by_role("link", name="Due diligence essentials", exact=True).click()
    page.get_by_role("button", name="Enrol for free").wait_for()
    check_page(page)
    page.get_by_role("button", name="Enrol for free").click()
    page.get_by_text("You are enrolled").wait_for()
    check_page(page)
    page.get_by_role("link", name="Start the course").click()
    page.get_by_role("heading", name="What due diligence means").wait_for()
    check_page(page)

    # Keyboard only: focus the button and press Enter.
    page.get_by_role("button", name="Mark as done").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Risk-based approach").wait_for()
    check_page(page)
    page.get_by_role("button", name="Mark as done").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Write your plan").wait_for()
    check_page(page)
    page.get_by_label("Your answer").fill("Map suppliers, rate risks, visit the riskiest.")
    page.get_by_role("button", name="Submit", exact=True).click()
    page.get_by_text("Waiting for marking").first.wait_for()
    check_page(page)
    screenshot(page, "courses-assignment-submitted")

    services.submission_mark(
        submission=Submission.objects.get(),
        reviewer=SecretariatFactory(),
        accepted=True,
        feedback="Clear and proportionate.",
    )
    page.goto("/dashboard/")
    page.get_by_role("heading", name="Certificates").wait_for()
    check_page(page)
    screenshot(page, "courses-dashboard")
    page.get_by_role("link", name="Due diligence essentials", exact=True).first.click()
    page.get_by_role("link", name="Download your certificate (PDF)").wait_for()
    check_page(page)
    screenshot(page, "courses-course-completed")

    page.get_by_role("link", name="Public verification page").click()
    page.get_by_role("heading", name="Certificate verification").wait_for()
    assert page.get_by_text("Lena Learner").is_visible()
    assert page.get_by_text("Valid").first.is_visible()
    check_page(page)
    screenshot(page, "courses-verify")
    assert_every_page_checked(page, site=live_server.url)
