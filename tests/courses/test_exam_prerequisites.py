"""Before a course's exam opens: the lessons and assignments placed before it, and a minimum
practice score, when the course asks for them. The exam page says what is missing, with
links, and the start button is disabled; ``attempt_start`` refuses the same way."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courses import services
from courses.models import LessonKind
from courses.quiz import services as quiz_services
from courses.quiz.exceptions import StartRefused
from courses.quiz.selectors import start_availability
from tests.courses.factories import AssignmentFactory, CourseFactory, LessonFactory, ModuleFactory
from tests.quiz.factories import exam_of_one_question, quiz_with, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(user):
    """Module 1: a reading lesson, a practice quiz, an assignment, an optional lesson; module
    2: the exam. The learner is enrolled."""
    course = CourseFactory(title="Auditor training", exam_requires_earlier_lessons=True)
    first = ModuleFactory(course=course, sort_order=0)
    second = ModuleFactory(course=course, sort_order=1)
    practice = quiz_with(single_choice(), single_choice(), pass_mark=Decimal("50"))
    exam = exam_of_one_question()
    reading = LessonFactory(module=first, title="Reading the standard", sort_order=0)
    practice_lesson = LessonFactory(
        module=first, title="Practice quiz", kind=LessonKind.QUIZ, quiz=practice, sort_order=1
    )
    assignment = LessonFactory(
        module=first,
        title="Audit plan",
        kind=LessonKind.ASSIGNMENT,
        assignment=AssignmentFactory(title="Audit plan"),
        sort_order=2,
    )
    LessonFactory(module=first, title="Further reading", required=False, sort_order=3)
    LessonFactory(module=second, title="Final exam", kind=LessonKind.QUIZ, quiz=exam, sort_order=0)
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    return {
        "course": course,
        "exam": exam,
        "practice": practice,
        "enrollment": enrollment,
        "reading": reading,
        "practice_lesson": practice_lesson,
        "assignment": assignment,
    }


def _practise(user, quiz, right: int):
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    for position in range(2):
        quiz_services.attempt_save_answer(
            attempt=attempt,
            position=position,
            answer={"choice": 0 if position < right else 1},
            version=0,
        )
    return quiz_services.attempt_submit(attempt=attempt)


def _accept(user, lesson):
    from django.utils import timezone

    from courses.models import Submission

    Submission.objects.create(
        assignment=lesson.assignment,
        user=user,
        text="My plan",
        status="accepted",
        reviewed_at=timezone.now(),
    )


def test_the_exam_page_lists_what_is_missing_with_links_and_the_button_is_disabled(
    client, user, setup
):
    exam = setup["exam"]
    with pytest.raises(StartRefused) as refused:
        quiz_services.attempt_start(user=user, quiz=exam)
    assert "Auditor training" in refused.value.message

    client.force_login(user)
    page = client.get(exam.get_absolute_url()).content.decode()
    assert "Before this exam, “Auditor training” asks you to finish:" in page
    for key in ("reading", "practice_lesson", "assignment"):
        lesson = setup[key]
        assert f'<a href="{lesson.get_absolute_url()}">{lesson.title}</a>' in page
    assert "Further reading" not in page  # optional lessons are not asked for
    assert 'disabled aria-describedby="start-blocked"' in page
    assert reverse("quiz:start", args=[exam.slug]) not in page
    response = client.post(reverse("quiz:start", args=[exam.slug]), follow=True)
    assert "Before this exam" in response.content.decode()
    assert not exam.attempts.exists()


def test_the_exam_opens_once_everything_before_it_is_done(user, setup):
    exam, enrollment = setup["exam"], setup["enrollment"]
    services.lesson_mark_done(enrollment=enrollment, lesson=setup["reading"])
    _practise(user, setup["practice"], right=2)
    availability = start_availability(user=user, quiz=exam)
    assert not availability.can_start
    assert [label for label, _ in availability.refusals[0].links] == ["Audit plan"]

    _accept(user, setup["assignment"])
    assert start_availability(user=user, quiz=exam).can_start
    assert quiz_services.attempt_start(user=user, quiz=exam).pk


def test_a_minimum_practice_score_is_asked_for_and_shown(client, user, setup):
    course, exam = setup["course"], setup["exam"]
    course.exam_requires_earlier_lessons = False
    course.exam_min_practice_percent = 100
    course.save()

    client.force_login(user)
    page = client.get(exam.get_absolute_url()).content.decode()
    assert "Practice quiz: not taken yet (at least 100 % needed)" in page

    _practise(user, setup["practice"], right=1)  # 50 %: passed, below the minimum
    page = client.get(exam.get_absolute_url()).content.decode()
    assert "Practice quiz: best score 50 % (at least 100 % needed)" in page
    assert not start_availability(user=user, quiz=exam).can_start

    _practise(user, setup["practice"], right=2)
    assert start_availability(user=user, quiz=exam).can_start


def test_courses_without_requirements_and_staff_are_not_held_back(user, staff_user, setup):
    course, exam = setup["course"], setup["exam"]
    assert quiz_services.attempt_start(user=staff_user, quiz=exam).pk
    course.exam_requires_earlier_lessons = False
    course.save()
    assert start_availability(user=user, quiz=exam).can_start


def test_lessons_after_the_exam_are_not_asked_for(user, setup):
    course, exam = setup["course"], setup["exam"]
    last = course.modules.order_by("-sort_order").first()
    LessonFactory(module=last, title="After the exam", sort_order=5)
    services.lesson_mark_done(enrollment=setup["enrollment"], lesson=setup["reading"])
    _practise(user, setup["practice"], right=2)
    _accept(user, setup["assignment"])
    assert start_availability(user=user, quiz=exam).can_start
