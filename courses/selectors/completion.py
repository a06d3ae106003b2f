"""Reads about completion and certificates, and about assignment submissions; other apps
ask these (re-exported by ``courses.selectors``)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from courses import permissions
from courses.models import (
    Assignment,
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    Submission,
    SubmissionStatus,
)
from lms.models import User

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
