"""Passing a course's quiz completes the course at once, through the real attempt flow.

The quiz engine fires the ``quiz_attempt_finalised`` Wagtail hook when the grading
transaction commits; courses registers for it. Before, courses listened for a signal that
did not exist, so completion (and so accreditation eligibility) waited for a page view or
the daily command.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from wagtail import hooks

from accreditation.models import Requirement
from accreditation.selectors import check_eligibility
from courses import services
from courses.models import EnrollmentStatus, LessonKind
from courses.quiz.models import Attempt
from tests.accreditation.factories import AccreditationFactory, ProgrammeFactory, RequirementFactory
from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
from tests.quiz.factories import choice_token, quiz_with, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_course():
    """A course of one content lesson and one quiz lesson (one single-choice question)."""
    course = CourseFactory(title="Auditor core", slug="auditor-core")
    module = ModuleFactory(course=course, title="Core", sort_order=0)
    LessonFactory(module=module, title="Read the standard", sort_order=0)
    quiz = quiz_with(single_choice(), slug="core-check", pass_mark=50, questions_per_page=1)
    LessonFactory(module=module, title="Check", kind=LessonKind.QUIZ, quiz=quiz, sort_order=1)
    return course


def _take_quiz_through_the_pages(client: Client, user, quiz, *, right: bool) -> Attempt:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(user=user, quiz=quiz)
    token = choice_token(attempt, 0, 0 if right else 1)
    client.post(
        reverse("quiz:attempt", args=[attempt.pk]),
        {"page": 0, "q0-version": 0, "q0-choice": token, "action": "summary"},
    )
    client.post(reverse("quiz:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    return attempt


def _enrol_and_read_the_lesson(user, course):
    """The learner enrols and marks the content lesson done: only the quiz is left."""
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    content_lesson = course.modules.get().lessons.get(kind=LessonKind.CONTENT)
    services.lesson_mark_done(enrollment=enrollment, lesson=content_lesson)
    quiz = course.modules.get().lessons.get(kind=LessonKind.QUIZ).quiz
    client = Client()
    client.force_login(user)
    return enrollment, quiz, client


def test_the_engine_announces_a_finalised_attempt_through_the_registered_hook():
    names = [fn.__name__ for fn in hooks.get_hooks("quiz_attempt_finalised")]
    assert "complete_courses_after_quiz" in names


def test_passing_the_course_quiz_completes_the_enrolment_and_eligibility_at_once(
    auditor_course, django_capture_on_commit_callbacks
):
    accreditation = AccreditationFactory(scope=[("casthouse", "DE")])
    user = accreditation.auditor.user
    programme = ProgrammeFactory(standard_version=accreditation.standard_version)
    RequirementFactory(
        programme=programme,
        kind=Requirement.Kind.COURSE_COMPLETED,
        title="Auditor core",
        course=auditor_course,
    )
    standard = accreditation.standard_version.standard.code
    today = datetime.date.today()
    before = check_eligibility(user, standard, "casthouse", "DE", today)
    assert not before.eligible
    assert any("Auditor core" in reason for reason in before.reasons)

    enrollment, quiz, client = _enrol_and_read_the_lesson(user, auditor_course)

    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take_quiz_through_the_pages(client, user, quiz, right=True)

    assert attempt.passed
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert check_eligibility(user, standard, "casthouse", "DE", today).eligible


def test_failing_the_course_quiz_leaves_the_enrolment_open(
    auditor_course, user, django_capture_on_commit_callbacks
):
    enrollment, quiz, client = _enrol_and_read_the_lesson(user, auditor_course)

    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take_quiz_through_the_pages(client, user, quiz, right=False)

    assert not attempt.passed
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_a_failing_hook_never_undoes_the_graded_attempt(
    auditor_course, user, django_capture_on_commit_callbacks
):
    _enrollment, quiz, client = _enrol_and_read_the_lesson(user, auditor_course)

    def broken(attempt):
        raise RuntimeError("a listener failed")

    with (
        hooks.register_temporarily("quiz_attempt_finalised", broken),
        django_capture_on_commit_callbacks(execute=True),
    ):
        attempt = _take_quiz_through_the_pages(client, user, quiz, right=True)

    assert attempt.passed and attempt.finalised_at is not None
