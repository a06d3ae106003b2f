"""What courses plugs into the quiz engine below it (registered as Wagtail hooks in
``courses/wagtail_hooks.py``): the start gate of exams that are course lessons, and what
happens when a quiz attempt is finalised."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def quiz_start_gate(user, quiz) -> str | None:
    """The quiz engine's ``quiz_start_refusal`` hook: an exam that is a lesson of a course
    is for the people enrolled on that course (active or completed), once what the course
    asks to be done first is done (``courses.prerequisites``). Practice quizzes stay open:
    the content site places them inline as knowledge checks for members."""
    if not quiz.is_exam:
        return None
    from courses.models import Course
    from courses.prerequisites import exam_prerequisites, exam_refusal_links
    from courses.quiz.extensions import StartRefusal
    from courses.selectors import user_may_take_quiz

    if user_may_take_quiz(user=user, quiz=quiz):
        missing = exam_prerequisites(user=user, quiz=quiz)
        if not missing:
            return None
        first = missing[0]
        return StartRefusal(
            message=_("Before this exam, “%(course)s” asks you to finish:")
            % {"course": first.course.title},
            links=exam_refusal_links(first),
        )
    courses = Course.objects.filter(modules__lessons__quiz=quiz)
    titles = sorted(set(courses.values_list("title", flat=True)))
    return _("This exam is part of a course: enrol on %(courses)s to sit it.") % {
        "courses": " or ".join(f"“{title}”" for title in titles)
    }


def on_attempt_finalised(*, attempt) -> None:
    """A quiz attempt's result is final (the quiz engine's ``quiz_attempt_finalised`` hook,
    registered in ``courses.wagtail_hooks``): re-check the learner's active enrolments on
    courses that contain that quiz, since a pass may complete them. A result below the
    pass mark completes nothing (a quiz lesson is done when its quiz is passed), so then
    nothing is read."""
    if not attempt.passed:
        return
    from courses.models import Enrollment, EnrollmentStatus
    from courses.services import enrollment_refresh_completion

    enrollments = Enrollment.objects.filter(
        user_id=attempt.user_id,
        status=EnrollmentStatus.ACTIVE,
        course__modules__lessons__quiz_id=attempt.quiz_id,
    ).distinct()
    for enrollment in enrollments:
        enrollment_refresh_completion(enrollment=enrollment)


def quiz_origin(quiz, origin: str):
    """The quiz engine's ``quiz_origin`` hook (``courses/quiz/origins.py``): ``lesson-<id>``
    names a lesson of a published course that is this quiz, ``course-<id>`` a published
    course with such a lesson; the quiz pages link back to it."""
    from courses.models import Course, Lesson
    from courses.quiz.origins import QuizOrigin, parse

    parsed = parse(origin)
    if parsed is None:
        return None
    kind, pk = parsed
    if kind == "lesson":
        lesson = (
            Lesson.objects.filter(pk=pk, quiz=quiz, module__course__live=True)
            .select_related("module__course")
            .first()
        )
        if lesson is not None:
            return QuizOrigin(token=origin, label=lesson.title, url=lesson.get_absolute_url())
    if kind == "course":
        course = Course.objects.published().filter(pk=pk, modules__lessons__quiz=quiz).first()
        if course is not None:
            return QuizOrigin(token=origin, label=course.title, url=course.get_absolute_url())
    return None
