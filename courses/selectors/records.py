"""The learner record (transcript): everything one person has done and earned here
(re-exported by ``courses.selectors``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone, translation

from courses.models import (
    Certificate,
    Course,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonCompletion,
    Submission,
    SubmissionStatus,
)
from courses.quiz import records as quiz_records
from courses.quiz.records import AttemptRecord
from courses.selectors.completion import certificates_of
from courses.selectors.progress import LessonState, Progress, _lesson_done_from, _since
from courses.translations import course_titles
from lms.models import User

# --- The learner record ---------------------------------------------------------------


@dataclass
class CourseRecord(Progress):
    """One enrolment of the learner record: its status, the lessons done within it, and
    the completion and certificate it led to."""

    enrollment: Enrollment
    lessons: list[LessonState] = field(default_factory=list)
    completed_on: datetime.date | None = None
    certificate: Certificate | None = None
    title: str = ""  # the course's title in the reader's language (English if untranslated)

    @property
    def course(self) -> Course:
        return self.enrollment.course

    @property
    def status_label(self) -> str:
        return self.enrollment.get_status_display()

    @property
    def done_lessons(self) -> list[LessonState]:
        return [state for state in self.lessons if state.done]


@dataclass
class LearnerRecord:
    """Everything one person has done and earned here, for their own record page and its
    PDF: enrolments with lessons done, submitted quiz and exam attempts (scores and
    feedback only where released), certificates. Built by ``learner_record``."""

    user: User
    generated_at: datetime.datetime
    courses: list[CourseRecord] = field(default_factory=list)
    attempts: list[AttemptRecord] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def quizzes(self) -> list[AttemptRecord]:
        return [a for a in self.attempts if not a.is_exam]

    @property
    def exams(self) -> list[AttemptRecord]:
        return [a for a in self.attempts if a.is_exam]

    @property
    def is_empty(self) -> bool:
        return not (self.courses or self.attempts or self.certificates)


def _latest_acceptances(*, user: User) -> dict[int, datetime.date]:
    """``assignment_accepted_on`` for every assignment at once: assignment id -> the date
    its latest accepted submission of the learner was reviewed."""
    rows = (
        Submission.objects.filter(user=user, status=SubmissionStatus.ACCEPTED)
        .values("assignment_id")
        .annotate(last=Max("reviewed_at"))
        .order_by()
    )
    return {row["assignment_id"]: row["last"].date() for row in rows if row["last"]}


def learner_record(*, user: User) -> LearnerRecord:
    """The learner record (transcript) of ``user``, who must be signed in.

    Enrolments (all but cancelled ones, newest first) with their lessons done by the same
    rule as the course outline (``lesson_done_on``), completion date and certificate; every
    submitted attempt from the quiz engine within its release rules; every certificate of
    completion. A fixed number of queries, whatever the number of records.
    """
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("course", "completion")
        .order_by("-created_at", "-id")
    )
    certificates = list(certificates_of(user=user).order_by("-issued_on", "-id"))
    certificate_of = {c.completion_id: c for c in certificates}
    lessons_of: dict[int, list[Lesson]] = {}
    completions: dict[int, dict[int, datetime.datetime]] = {}
    passes: dict[int, datetime.date] = {}
    acceptances: dict[int, datetime.date] = {}
    if enrollments:
        lessons = Lesson.objects.filter(
            module__course_id__in={e.course_id for e in enrollments}
        ).order_by("module__course_id", "module__sort_order", "module_id", "sort_order", "id")
        for lesson in lessons.select_related("module").defer("body"):
            lessons_of.setdefault(lesson.module.course_id, []).append(lesson)
        done = LessonCompletion.objects.filter(enrollment__in=enrollments).values_list(
            "enrollment_id", "lesson_id", "completed_at"
        )
        for enrollment_id, lesson_id, completed_at in done:
            completions.setdefault(enrollment_id, {})[lesson_id] = completed_at
        passes = quiz_records.latest_passes(user=user)
        acceptances = _latest_acceptances(user=user)
    titles = course_titles({e.course_id for e in enrollments}, translation.get_language() or "")
    record = LearnerRecord(
        user=user,
        generated_at=timezone.now(),
        attempts=quiz_records.attempt_records(user=user),
        certificates=certificates,
    )
    for enrollment in enrollments:
        completion = getattr(enrollment, "completion", None)
        since = _since(enrollment)
        states = []
        for lesson in lessons_of.get(enrollment.course_id, []):
            done_on = _lesson_done_from(
                lesson,
                since=since,
                completions=completions.get(enrollment.pk, {}),
                quiz_passed=passes.get(lesson.quiz_id),
                assignment_accepted=acceptances.get(lesson.assignment_id),
            )
            states.append(LessonState(lesson=lesson, done=done_on is not None, done_on=done_on))
        record.courses.append(
            CourseRecord(
                enrollment=enrollment,
                lessons=states,
                title=titles.get(enrollment.course_id) or enrollment.course.title,
                completed_on=completion.completed_on if completion else None,
                certificate=certificate_of.get(completion.pk) if completion else None,
            )
        )
    return record
