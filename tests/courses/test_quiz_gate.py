"""The quiz engine's start gate from courses: an exam that is a lesson of a course is for
the people enrolled on it; a practice quiz stays open (the content site places it inline)."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import LessonKind
from courses.quiz import services as quiz_services
from courses.quiz.exceptions import StartRefused
from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
from tests.quiz.factories import exam_of_one_question, quiz_with, single_choice

pytestmark = pytest.mark.django_db


def _course_with(quiz, title="Auditor training"):
    course = CourseFactory(title=title)
    module = ModuleFactory(course=course)
    LessonFactory(module=module, title="Final exam", kind=LessonKind.QUIZ, quiz=quiz)
    return course


def test_an_exam_in_a_course_is_refused_until_the_learner_enrols(client, user):
    exam = exam_of_one_question()
    course = _course_with(exam)

    with pytest.raises(StartRefused) as refused:
        quiz_services.attempt_start(user=user, quiz=exam)
    assert "“Auditor training”" in refused.value.message

    client.force_login(user)
    page = client.get(exam.get_absolute_url()).content.decode()
    assert "enrol on “Auditor training” to sit it" in page
    assert reverse("quiz:start", args=[exam.slug]) not in page
    response = client.post(reverse("quiz:start", args=[exam.slug]), follow=True)
    assert "enrol on “Auditor training”" in response.content.decode()

    services.enrollment_self_enrol(user=user, course=course)
    assert quiz_services.attempt_start(user=user, quiz=exam).pk


def test_a_practice_quiz_in_a_course_stays_open(user):
    practice = quiz_with(single_choice())
    _course_with(practice)
    assert quiz_services.attempt_start(user=user, quiz=practice).pk


def test_staff_and_standalone_exams_are_not_gated(user, staff_user):
    standalone = exam_of_one_question()
    assert quiz_services.attempt_start(user=user, quiz=standalone).pk
    in_course = exam_of_one_question()
    _course_with(in_course)
    assert quiz_services.attempt_start(user=staff_user, quiz=in_course).pk
