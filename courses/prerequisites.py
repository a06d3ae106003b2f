"""What a course asks to be done before its exams open (reads only).

A course may ask (``Course.exam_requires_earlier_lessons``) that every required lesson
placed before an exam lesson is done first (content marked done, practice quizzes passed,
assignments accepted: the rules of ``selectors.lesson_done_on``), and
(``Course.exam_min_practice_percent``) that the learner's best score on each practice quiz
of the course reaches a minimum. The quiz engine asks through the ``quiz_start_refusal``
hook (``courses.receivers.quiz_start_gate``), so the exam page lists what is missing, with
links, and ``attempt_start`` refuses the same way. Staff are never held back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from courses import permissions
from courses.models import Course, Enrollment, EnrollmentStatus, Lesson, LessonKind
from courses.quiz import selectors as quiz_selectors


@dataclass
class ExamPrerequisites:
    """What one learner still has to do on one course before one of its exams."""

    course: Course
    lessons: list[Lesson] = field(default_factory=list)
    # (practice quiz lesson, best percent so far or None when never finished)
    practice: list[tuple[Lesson, Decimal | None]] = field(default_factory=list)
    min_percent: int | None = None

    @property
    def met(self) -> bool:
        return not self.lessons and not self.practice


def exam_prerequisites(*, user, quiz) -> list[ExamPrerequisites]:
    """For each course in which ``quiz`` is an exam lesson and ``user`` has an active
    enrolment, what is still missing before that exam opens (only courses with something
    missing are returned; empty when nothing is asked or all is done)."""
    if not quiz.is_exam or not getattr(user, "is_authenticated", False):
        return []
    if permissions.is_course_staff(user):
        return []
    from courses.selectors import course_outline

    enrollments = (
        Enrollment.objects.filter(
            user=user,
            status=EnrollmentStatus.ACTIVE,
            course__modules__lessons__quiz=quiz,
        )
        .select_related("course", "user")
        .distinct()
    )
    missing = []
    for enrollment in enrollments:
        course = enrollment.course
        if not course.exam_requires_earlier_lessons and course.exam_min_practice_percent is None:
            continue
        outline = course_outline(course=course, enrollment=enrollment)
        states = outline.lessons
        position = next(
            (i for i, state in enumerate(states) if state.lesson.quiz_id == quiz.pk), len(states)
        )
        before = states[:position]
        result = ExamPrerequisites(course=course, min_percent=course.exam_min_practice_percent)
        if course.exam_requires_earlier_lessons:
            result.lessons = [
                state.lesson for state in before if state.lesson.required and not state.done
            ]
        if course.exam_min_practice_percent is not None:
            threshold = Decimal(course.exam_min_practice_percent)
            for state in states:
                lesson = state.lesson
                if lesson.kind != LessonKind.QUIZ or not lesson.quiz_id or lesson.quiz.is_exam:
                    continue
                best = quiz_selectors.best_result(user=user, quiz=lesson.quiz)
                best_percent = best.percent if best else None
                if best_percent is None or best_percent < threshold:
                    result.practice.append((lesson, best_percent))
        if not result.met:
            missing.append(result)
    return missing


def exam_refusal_links(prerequisites: ExamPrerequisites) -> tuple[tuple[str, str], ...]:
    """The exam page's links: each lesson to do, then each practice quiz to improve."""
    links = [(lesson.title, lesson.get_absolute_url()) for lesson in prerequisites.lessons]
    for lesson, best in prerequisites.practice:
        if best is None:
            label = _("%(title)s: not taken yet (at least %(min)s %% needed)") % {
                "title": lesson.title,
                "min": prerequisites.min_percent,
            }
        else:
            label = _("%(title)s: best score %(best)s %% (at least %(min)s %% needed)") % {
                "title": lesson.title,
                "best": f"{best:.0f}",
                "min": prerequisites.min_percent,
            }
        links.append((label, lesson.get_absolute_url()))
    return tuple(links)
