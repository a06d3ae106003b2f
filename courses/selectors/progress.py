"""Reads about a learner's progress through a course: lessons done, the course outline
(re-exported by ``courses.selectors``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from courses.models import (
    Course,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonCompletion,
    LessonKind,
    Module,
)
from courses.quiz import records as quiz_records
from courses.quiz import selectors as quiz_selectors
from courses.quiz.records import AttemptRecord
from courses.selectors.catalogue import course_lessons
from courses.selectors.completion import acceptance_times
from lms.models import User

# --- The quiz engine, asked through its selectors -------------------------------------


def quiz_passed_on(*, user: User, quiz) -> datetime.date | None:
    """When the learner passed this quiz (latest pass), asked of the quiz engine."""
    result = quiz_selectors.passed_on(user=user, quiz=quiz)
    if isinstance(result, datetime.datetime):
        return result.date()
    return result


#: How many of the newest quiz and exam results the dashboard lists (the learner record
#: lists them all).
DASHBOARD_RESULTS = 10


def quiz_results_for_user(*, user: User) -> list[AttemptRecord]:
    """The learner's newest submitted quiz and exam attempts (waiting for marking or final),
    within the quiz engine's release rules (``courses.quiz.records``)."""
    return quiz_records.attempt_records(user=user, limit=DASHBOARD_RESULTS)


# --- Progress -------------------------------------------------------------------------


def _since(enrollment: Enrollment) -> datetime.date:
    """Work counts for an enrolment from the day it began (a retake starts afresh)."""
    return (enrollment.activated_at or enrollment.created_at).date()


def lesson_done_on(
    *, enrollment: Enrollment, lesson: Lesson, completions: dict[int, datetime.datetime]
) -> datetime.date | None:
    """When the lesson was done within this enrolment.

    content: marked done; quiz: passed (per the quiz engine) since the enrolment began;
    assignment: a submission accepted since the enrolment began.
    """
    # The package's (``courses.selectors``): tests replace them there.
    from courses.selectors import assignment_accepted_on, quiz_passed_on

    passed = accepted = None
    if lesson.pk not in completions:
        if lesson.kind == LessonKind.QUIZ and lesson.quiz_id:
            passed = quiz_passed_on(user=enrollment.user, quiz=lesson.quiz)
        elif lesson.kind == LessonKind.ASSIGNMENT and lesson.assignment_id:
            accepted = assignment_accepted_on(user=enrollment.user, assignment=lesson.assignment)
    return _lesson_done_from(
        lesson,
        since=_since(enrollment),
        completions=completions,
        quiz_passed=passed,
        assignment_accepted=accepted,
    )


def _lesson_done_from(
    lesson: Lesson,
    *,
    since: datetime.date,
    completions: dict[int, datetime.datetime],
    quiz_passed: datetime.date | None,
    assignment_accepted: datetime.date | None,
) -> datetime.date | None:
    """The rule of ``lesson_done_on``, given what was looked up: the lesson's completion
    within the enrolment, the latest pass of its quiz, the latest acceptance of its
    assignment (the last two count from ``since``, the day the enrolment began)."""
    if lesson.pk in completions:
        return completions[lesson.pk].date()
    if lesson.kind == LessonKind.QUIZ and lesson.quiz_id:
        return quiz_passed if quiz_passed and quiz_passed >= since else None
    if lesson.kind == LessonKind.ASSIGNMENT and lesson.assignment_id:
        accepted = assignment_accepted
        return accepted if accepted and accepted >= since else None
    return None


@dataclass
class LessonState:
    lesson: Lesson
    done: bool = False
    done_on: datetime.date | None = None
    is_current: bool = False


class Progress:
    """How far the learner is through ``lessons`` (a module's, or a whole course's)."""

    lessons: list[LessonState]

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.lessons if state.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0


@dataclass
class ModuleState(Progress):
    module: Module
    lessons: list[LessonState] = field(default_factory=list)


@dataclass
class CourseOutline(Progress):
    course: Course
    enrollment: Enrollment | None
    modules: list[ModuleState] = field(default_factory=list)

    @property
    def lessons(self) -> list[LessonState]:
        return [state for module in self.modules for state in module.lessons]

    @property
    def requirements_met(self) -> bool:
        required = [state for state in self.lessons if state.lesson.required]
        return bool(self.lessons) and all(state.done for state in required)

    @property
    def continue_lesson(self) -> Lesson | None:
        """Where to pick up: the last lesson opened if not done, else the next lesson not
        done after it (then from the start), else the last one opened."""
        states = self.lessons
        if not states:
            return None
        last_id = self.enrollment.last_lesson_id if self.enrollment else None
        index = next((i for i, s in enumerate(states) if s.lesson.pk == last_id), None)
        if index is None:
            return next((s.lesson for s in states if not s.done), states[0].lesson)
        if not states[index].done:
            return states[index].lesson
        ordered = states[index + 1 :] + states[:index]
        return next((s.lesson for s in ordered if not s.done), states[index].lesson)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        states = self.lessons
        index = next(i for i, s in enumerate(states) if s.lesson.pk == lesson.pk)
        previous = states[index - 1].lesson if index > 0 else None
        following = states[index + 1].lesson if index + 1 < len(states) else None
        return previous, following

    def state_of(self, lesson: Lesson) -> LessonState | None:
        return next((s for s in self.lessons if s.lesson.pk == lesson.pk), None)


def course_outline(*, course: Course, enrollment: Enrollment | None) -> CourseOutline:
    """The course's modules and lessons with what this enrolment has done.

    Works for an unsaved preview object too (modules from the revision, no progress).
    """
    outline = CourseOutline(course=course, enrollment=enrollment)
    if course.pk is None:
        outline.modules = [ModuleState(module=module) for module in course.modules.all()]
        return outline
    completions: dict[int, datetime.datetime] = {}
    if enrollment is not None:
        completions = dict(enrollment.lesson_completions.values_list("lesson_id", "completed_at"))

    def done_on(lesson: Lesson) -> datetime.date | None:
        return lesson_done_on(enrollment=enrollment, lesson=lesson, completions=completions)

    return _fill_outline(outline, course_lessons(course=course), done_on)


def _fill_outline(outline: CourseOutline, lessons: list[Lesson], done_on) -> CourseOutline:
    """Puts ``lessons`` (the course's, in order) on the outline's modules, each done on
    ``done_on(lesson)`` (None: not done), and marks the lesson to continue with."""
    enrollment = outline.enrollment
    lessons_by_module: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        lessons_by_module.setdefault(lesson.module_id, []).append(lesson)
    for module in outline.course.modules.all():
        state = ModuleState(module=module)
        for lesson in lessons_by_module.get(module.pk, []):
            day = done_on(lesson) if enrollment is not None else None
            state.lessons.append(LessonState(lesson=lesson, done=day is not None, done_on=day))
        outline.modules.append(state)
    if enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE:
        current = outline.continue_lesson
        for lesson_state in outline.lessons:
            lesson_state.is_current = current is not None and lesson_state.lesson.pk == current.pk
    return outline


def course_outlines(*, enrollments: list[Enrollment]) -> list[CourseOutline]:
    """``course_outline`` of each enrolment (the dashboard's list), in a fixed number of
    queries however many there are: lessons, their completions, quiz scores and accepted
    assignments are read once for all. Enrolments need ``course__modules`` prefetched
    (``learner_enrollments`` does)."""
    enrollments = list(enrollments)
    if not enrollments:
        return []
    completions: dict[int, dict[int, datetime.datetime]] = {e.pk: {} for e in enrollments}
    rows = LessonCompletion.objects.filter(enrollment__in=enrollments).values_list(
        "enrollment_id", "lesson_id", "completed_at"
    )
    for enrollment_id, lesson_id, completed_at in rows:
        completions[enrollment_id][lesson_id] = completed_at
    lessons_of: dict[int, list[Lesson]] = {e.course_id: [] for e in enrollments}
    lessons = (
        Lesson.objects.filter(module__course_id__in=list(lessons_of))
        .select_related("module__course", "quiz", "assignment")
        .order_by("module__sort_order", "module_id", "sort_order", "id")
    )
    for lesson in lessons:
        lessons_of[lesson.module.course_id].append(lesson)
    every = [lesson for rows in lessons_of.values() for lesson in rows]
    user_ids = {e.user_id for e in enrollments}
    scores = quiz_selectors.final_scores(
        user_ids=user_ids,
        quiz_ids={x.quiz_id for x in every if x.kind == LessonKind.QUIZ and x.quiz_id},
    )
    accepted = acceptance_times(
        user_ids=user_ids,
        assignment_ids={
            x.assignment_id for x in every if x.kind == LessonKind.ASSIGNMENT and x.assignment_id
        },
    )
    outlines = []
    for enrollment in enrollments:
        done = completions[enrollment.pk]

        def done_on(lesson: Lesson, enrollment=enrollment, done=done) -> datetime.date | None:
            passed = accepted_on = None
            if lesson.kind == LessonKind.QUIZ and lesson.quiz_id:
                # as quiz_passed_on: the latest final attempt at or above the pass mark
                passes = [
                    at
                    for at, percent in scores.get((enrollment.user_id, lesson.quiz_id), [])
                    if percent >= lesson.quiz.pass_mark
                ]
                passed = timezone.localdate(max(passes)) if passes else None
            elif lesson.kind == LessonKind.ASSIGNMENT and lesson.assignment_id:
                # as assignment_accepted_on
                times = accepted.get((enrollment.user_id, lesson.assignment_id), [])
                accepted_on = max(times).date() if times else None
            return _lesson_done_from(
                lesson,
                since=_since(enrollment),
                completions=done,
                quiz_passed=passed,
                assignment_accepted=accepted_on,
            )

        outline = CourseOutline(course=enrollment.course, enrollment=enrollment)
        outlines.append(_fill_outline(outline, lessons_of[enrollment.course_id], done_on))
    return outlines
