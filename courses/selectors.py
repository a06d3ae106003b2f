"""Reads about courses, progress and completion. Other apps call these, never the models."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone, translation

from courses import permissions, pricing
from courses.models import (
    Assignment,
    Audience,
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonCompletion,
    LessonKind,
    Module,
    Submission,
    SubmissionStatus,
)
from courses.models.learning import OPEN_STATUSES
from courses.pricing import CoursePrice
from courses.quiz import records as quiz_records
from courses.quiz import selectors as quiz_selectors
from courses.quiz.records import AttemptRecord
from courses.translations import course_titles
from lms.models import User

logger = logging.getLogger(__name__)


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


# --- Catalogue ------------------------------------------------------------------------


def courses_visible_to(*, user: User | AnonymousUser) -> QuerySet[Course]:
    """Published courses this person's audience covers (staff see every published one)."""
    qs = Course.objects.published()
    if permissions.is_course_staff(user):
        return qs
    audiences = [Audience.PUBLIC]
    if permissions.is_member(user):
        audiences.append(Audience.MEMBERS)
    if permissions.is_auditor(user):
        audiences.append(Audience.AUDITORS)
    return qs.filter(audience__in=audiences)


def course_price_for(*, user: User | AnonymousUser, course: Course) -> CoursePrice | None:
    """What this person pays for the course, from the payments catalogue (None: not sold)."""
    return pricing.course_price_for(user=user, course=course)


def course_is_free_for(*, user: User | AnonymousUser, course: Course) -> bool:
    price = course_price_for(user=user, course=course)
    return price is None or price.is_free


def course_lessons(*, course: Course) -> list[Lesson]:
    """The course's lessons in order (module by module)."""
    return list(
        Lesson.objects.filter(module__course=course)
        .select_related("module", "quiz", "assignment")
        .order_by("module__sort_order", "module_id", "sort_order", "id")
    )


def prerequisites_missing(*, user: User, course: Course) -> list[Course]:
    """Prerequisite courses the learner has not completed."""
    missing = []
    for prerequisite in course.prerequisites.all():
        if course_completed_on(user=user, course=prerequisite) is None:
            missing.append(prerequisite)
    return missing


def enrol_blockers(*, user: User | AnonymousUser, course: Course) -> list[str]:
    """Why this person may not self-enrol, in plain words (empty: they may)."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return [_("Sign in to enrol.")]
    reasons = []
    if not course.live:
        reasons.append(_("This course is not published."))
    if not permissions.audience_allows(user, course):
        reasons.append(
            _("This course is for %(audience)s only.")
            % {"audience": course.get_audience_display().lower()}
        )
    price = course_price_for(user=user, course=course)
    if price is not None and not price.on_sale:
        reasons.append(_("This course is not on sale at the moment."))
    elif price is not None and not price.is_free:
        reasons.append(_("This course must be bought."))
    missing = prerequisites_missing(user=user, course=course)
    if missing:
        reasons.append(
            _("Complete these courses first: %(courses)s.")
            % {"courses": ", ".join(c.title for c in missing)}
        )
    if open_enrollment(user=user, course=course) is not None:
        reasons.append(_("You are already enrolled."))
    return reasons


# --- Enrolments -----------------------------------------------------------------------


def open_enrollment(*, user: User, course: Course) -> Enrollment | None:
    """The learner's pending or active enrolment on the course, if any."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course, status__in=OPEN_STATUSES).first()


def locked_open_enrollment(*, user: User, course: Course) -> Enrollment | None:
    """The learner's open enrolment on the course, row-locked until the transaction ends
    (None: there is none to lock). Must run inside a transaction."""
    return (
        Enrollment.objects.select_for_update()
        .filter(user=user, course=course, status__in=OPEN_STATUSES)
        .first()
    )


def current_enrollment(*, user: User | AnonymousUser, course: Course) -> Enrollment | None:
    """The enrolment that the course page shows: the open one, else the latest completed."""
    if not user.is_authenticated:
        return None
    enrollment = open_enrollment(user=user, course=course)
    if enrollment is None:
        enrollment = (
            Enrollment.objects.filter(user=user, course=course, status=EnrollmentStatus.COMPLETED)
            .order_by("-completed_at", "-id")
            .first()
        )
    return enrollment


def courses_using_document(*, document) -> QuerySet[Course]:
    """Courses with a lesson that uses the Wagtail ``document``: as its video, as one of its
    downloadable documents, or linked from its body (found in Wagtail's reference index)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from wagtail.models import ReferenceIndex

    lesson_type = ContentType.objects.get_for_model(Lesson)
    linked = ReferenceIndex.get_references_to(document).filter(base_content_type=lesson_type)
    lesson_ids = [int(pk) for pk in linked.values_list("object_id", flat=True)]
    lessons = Lesson.objects.filter(
        Q(video=document) | Q(documents__document=document) | Q(pk__in=lesson_ids)
    )
    return Course.objects.filter(modules__lessons__in=lessons).distinct()


def may_read_course_document(*, user: User | AnonymousUser, document) -> bool:
    """Whether the person may read a lesson that uses ``document``: staff, or a learner
    with access to the lessons of a published course that uses it."""
    if not user.is_authenticated:
        return False
    for course in courses_using_document(document=document):
        if not course.live and not permissions.is_course_staff(user):
            continue
        if permissions.can_view_lessons(user, current_enrollment(user=user, course=course)):
            return True
    return False


def enrollment_is_started(*, enrollment: Enrollment) -> bool:
    """Whether the learner has begun: a lesson done, a submission, or a quiz attempt."""
    if enrollment.lesson_completions.exists() or enrollment.submissions.exists():
        return True
    for lesson in course_lessons(course=enrollment.course):
        quiz_lesson = lesson.kind == LessonKind.QUIZ and lesson.quiz_id
        if quiz_lesson and quiz_selectors.attempts_used(user=enrollment.user, quiz=lesson.quiz):
            return True
    return False


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


# --- Completion and certificates (other apps ask these) -------------------------------


def course_completed_on(
    *, user: User, course: Course, on: datetime.date | None = None
) -> datetime.date | None:
    """The latest date on or before ``on`` (default: any date) the learner completed the
    course; None if never by then."""
    qs = CourseCompletion.objects.filter(user=user, course=course)
    if on is not None:
        qs = qs.filter(completed_on__lte=on)
    return qs.order_by("-completed_on").values_list("completed_on", flat=True).first()


def assignment_accepted_on(
    *, user: User, assignment: Assignment, on: datetime.date | None = None
) -> datetime.date | None:
    """The latest date on or before ``on`` a submission of the learner was accepted."""
    dates = (
        Submission.objects.filter(
            user=user, assignment=assignment, status=SubmissionStatus.ACCEPTED
        )
        .order_by("-reviewed_at")
        .values_list("reviewed_at", flat=True)
    )
    for reviewed_at in dates:
        day = reviewed_at.date()
        if on is None or day <= on:
            return day
    return None


def completion_dates(
    *, user_ids: set[int], course_ids: set[int]
) -> dict[tuple[int, int], list[datetime.date]]:
    """{(user id, course id): every date the learner completed the course}, for many learners
    and courses in one query (``course_completed_on`` for a whole page of people)."""
    dates: dict[tuple[int, int], list[datetime.date]] = {}
    if not user_ids or not course_ids:
        return dates
    rows = CourseCompletion.objects.filter(
        user_id__in=user_ids, course_id__in=course_ids
    ).values_list("user_id", "course_id", "completed_on")
    for user_id, course_id, completed_on in rows:
        dates.setdefault((user_id, course_id), []).append(completed_on)
    return dates


def acceptance_times(
    *, user_ids: set[int], assignment_ids: set[int]
) -> dict[tuple[int, int], list[datetime.datetime]]:
    """{(user id, assignment id): when each accepted submission was marked}, for many
    learners and assignments in one query (``assignment_accepted_on`` for a page of people)."""
    times: dict[tuple[int, int], list[datetime.datetime]] = {}
    if not user_ids or not assignment_ids:
        return times
    rows = Submission.objects.filter(
        user_id__in=user_ids,
        assignment_id__in=assignment_ids,
        status=SubmissionStatus.ACCEPTED,
        reviewed_at__isnull=False,
    ).values_list("user_id", "assignment_id", "reviewed_at")
    for user_id, assignment_id, reviewed_at in rows:
        times.setdefault((user_id, assignment_id), []).append(reviewed_at)
    return times


def certificates_of(*, user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(completion__user=user).select_related("completion__course")


def submissions_of(*, user: User, assignment: Assignment) -> QuerySet[Submission]:
    return Submission.objects.filter(user=user, assignment=assignment).select_related("reviewed_by")


def submission_refusal(
    *, user: User, assignment: Assignment, enrollment: Enrollment | None
) -> str | None:
    """Why the learner may not hand in this assignment now (None: they may).

    One submission waits at a time; an accepted one ends it, unless it was accepted
    before this enrolment began (a retaken course starts afresh).
    """
    from django.utils.translation import gettext as _

    latest = submissions_of(user=user, assignment=assignment).order_by("-submitted_at", "-id")
    latest = latest.first()
    if latest is None:
        return None
    if latest.status == SubmissionStatus.SUBMITTED:
        return _("Your previous submission is waiting to be marked.")
    if latest.status == SubmissionStatus.ACCEPTED:
        began = enrollment.activated_at or enrollment.created_at if enrollment else None
        if began is None or latest.reviewed_at >= began:
            return _("This assignment has been accepted already.")
    return None


def submissions_to_mark() -> QuerySet[Submission]:
    return (
        Submission.objects.filter(status=SubmissionStatus.SUBMITTED)
        .select_related("assignment", "user")
        .order_by("submitted_at")
    )


def user_may_take_quiz(*, user: User | AnonymousUser, quiz) -> bool:
    """True if the quiz stands alone (in no course), the person is staff, or they have an
    active or completed enrolment on a course containing it. The quiz engine asks it for
    exams through its start gate (``courses.receivers.quiz_start_gate``)."""
    lessons = Lesson.objects.filter(quiz=quiz)
    if not lessons.exists():
        return True
    if not user.is_authenticated:
        return False
    if permissions.is_course_staff(user):
        return True
    return Enrollment.objects.filter(
        user=user,
        course__modules__lessons__quiz=quiz,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
    ).exists()


# --- Dashboard ------------------------------------------------------------------------


def learner_enrollments(*, user: User) -> list[Enrollment]:
    """Each course's current enrolment for the learner (the open one, else the latest)."""
    enrollments = (
        Enrollment.objects.filter(user=user)
        .exclude(status__in=[EnrollmentStatus.CANCELLED, EnrollmentStatus.REVOKED])
        .select_related("course", "last_lesson")
        .prefetch_related(
            Prefetch("course__modules", queryset=Module.objects.order_by("sort_order"))
        )
        .order_by("-last_visited_at", "-created_at")
    )
    seen: dict[int, Enrollment] = {}
    for enrollment in enrollments:
        kept = seen.get(enrollment.course_id)
        if kept is None or (enrollment.is_open and not kept.is_open):
            seen[enrollment.course_id] = enrollment
    return list(seen.values())


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
