"""Writes about enrolments, progress, completion, certificates and assignments.

Every status move goes through ``enrollment_set_status`` (one transitions map, one row per
move). Every change that matters (an enrolment made or moved, a submission handed in or
marked, a certificate issued or revoked) writes one entry in the audit log
(``lms.audit.record``, ``courses.*`` actions registered in ``courses/wagtail_hooks.py``).
Refusals are ``CourseError``s, a ``lms.errors.ServiceError`` with a message for the person.
"""

from __future__ import annotations

import datetime
import logging

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from courses import selectors
from courses.models import (
    Assignment,
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    EnrollmentStatus,
    EnrollmentStatusChange,
    Lesson,
    LessonCompletion,
    LessonKind,
    Submission,
    SubmissionStatus,
)
from courses.models.learning import ENROLLMENT_TRANSITIONS
from courses.translations import course_title_translations
from courses.validators import validate_submission_file
from lms.audit import record
from lms.errors import ServiceError
from lms.models import User

logger = logging.getLogger(__name__)


class CourseError(ServiceError):
    """A rule of the courses app refused the action; the message is for the person."""


class EnrollmentNotAllowed(CourseError):
    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class EnrollmentAlreadyStarted(CourseError):
    pass


class InvalidTransition(CourseError):
    pass


class LessonNotMarkable(CourseError):
    pass


class SubmissionNotAllowed(CourseError):
    pass


# --- Enrolment ------------------------------------------------------------------------

#: The audit-log action of each status an enrolment can move to.
ENROLLMENT_STATUS_ACTIONS = {
    EnrollmentStatus.ACTIVE: "courses.enrollment.activated",
    EnrollmentStatus.COMPLETED: "courses.enrollment.completed",
    EnrollmentStatus.CANCELLED: "courses.enrollment.cancelled",
    EnrollmentStatus.REVOKED: "courses.enrollment.revoked",
}


def enrollment_set_status(
    *,
    enrollment: Enrollment,
    status: str,
    actor: User | None = None,
    reason: str = "",
) -> Enrollment:
    """Moves an enrolment along ENROLLMENT_TRANSITIONS, records the move as a row of its
    status history and writes the audit entry (``actor`` None: the system)."""
    if status not in ENROLLMENT_TRANSITIONS[enrollment.status]:
        raise InvalidTransition(
            _("An enrolment cannot move from %(from)s to %(to)s.")
            % {"from": enrollment.status, "to": status}
        )
    previous = enrollment.status
    enrollment.status = status
    fields = ["status"]
    now = timezone.now()
    if status == EnrollmentStatus.ACTIVE:
        enrollment.activated_at = now
        fields.append("activated_at")
    if status == EnrollmentStatus.COMPLETED:
        enrollment.completed_at = now
        fields.append("completed_at")
    enrollment.save(update_fields=fields)
    EnrollmentStatusChange.objects.create(
        enrollment=enrollment, from_status=previous, to_status=status, actor=actor, reason=reason
    )
    record(
        ENROLLMENT_STATUS_ACTIONS[status],
        instance=enrollment,
        user=actor,
        reason=reason,
        data={"from": previous, "to": status},
    )
    return enrollment


def _create_enrollment(
    *, user: User, course: Course, status: str, source: str, actor: User | None = None
) -> Enrollment:
    enrollment = Enrollment.objects.create(
        user=user,
        course=course,
        status=status,
        source=source,
        activated_at=timezone.now() if status == EnrollmentStatus.ACTIVE else None,
    )
    EnrollmentStatusChange.objects.create(
        enrollment=enrollment, from_status="", to_status=status, actor=actor, reason=source
    )
    record(
        "courses.enrollment.created",
        instance=enrollment,
        user=actor,
        data={"status": status, "source": source, "learner": user.pk, "course": course.pk},
    )
    return enrollment


def _open_enrollment(
    *, user: User, course: Course, status: str, source: str, actor: User | None = None
) -> tuple[Enrollment, bool]:
    """(enrolment, created): the learner's open enrolment on the course, made if missing.

    Requests racing to enrol the same learner (a double click, parallel tabs) all find no
    row to lock; the unique constraint on open enrolments lets one insert win and refuses
    the others, which then read the winner's row. Must run inside a transaction.
    """
    existing = selectors.locked_open_enrollment(user=user, course=course)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _create_enrollment(
                user=user, course=course, status=status, source=source, actor=actor
            ), True
    except IntegrityError:
        existing = selectors.locked_open_enrollment(user=user, course=course)
        if existing is None:  # not the open-enrolment constraint: a real error
            raise
        return existing, False


@transaction.atomic
def enrollment_create_pending(*, user: User, course: Course) -> Enrollment:
    """A place held for a paid course until payment arrives (payments calls this).

    Returns the open enrolment if there already is one (pending or active).
    """
    enrollment, _created = _open_enrollment(
        user=user, course=course, status=EnrollmentStatus.PENDING_PAYMENT, source="payment"
    )
    return enrollment


@transaction.atomic
def enrollment_activate(
    *, user: User, course: Course, source: str, actor: User | None = None
) -> Enrollment:
    """Opens the course to the learner. Idempotent: an active enrolment is returned as is,
    a pending one becomes active, otherwise a new active enrolment is made (a retake when
    the learner completed the course before). Concurrent calls for one learner and course
    all return the same enrolment."""
    enrollment, created = _open_enrollment(
        user=user, course=course, status=EnrollmentStatus.ACTIVE, source=source, actor=actor
    )
    if not created and enrollment.status == EnrollmentStatus.PENDING_PAYMENT:
        enrollment.source = source
        enrollment.save(update_fields=["source"])
        enrollment_set_status(
            enrollment=enrollment, status=EnrollmentStatus.ACTIVE, actor=actor, reason=source
        )
    return enrollment


@transaction.atomic
def enrollment_revoke(*, enrollment: Enrollment, reason: str, actor: User | None = None) -> None:
    """Takes the place away (e.g. a refund). Only before the learner has started."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if selectors.enrollment_is_started(enrollment=enrollment):
        raise EnrollmentAlreadyStarted(
            _("The learner has started this course; the enrolment cannot be revoked.")
        )
    enrollment_set_status(
        enrollment=enrollment, status=EnrollmentStatus.REVOKED, actor=actor, reason=reason
    )


def enrollment_self_enrol(*, user: User, course: Course) -> Enrollment:
    """The learner enrols themselves: only where the course is free for them, its
    audience includes them and its prerequisites are completed. Enrolling again while
    enrolled (a double click, a second tab) returns the one active enrolment."""
    existing = selectors.open_enrollment(user=user, course=course)
    if existing is not None and existing.status == EnrollmentStatus.ACTIVE:
        return existing
    reasons = selectors.enrol_blockers(user=user, course=course)
    if reasons:
        raise EnrollmentNotAllowed(reasons)
    return enrollment_activate(user=user, course=course, source="self", actor=user)


def enrollment_record_visit(*, enrollment: Enrollment, lesson: Lesson) -> None:
    """Remembers the lesson the learner opened last ("continue where you left off").

    Called by the lesson page's own POST (``courses:lesson_visit``, sent by the page's
    script once it has loaded), never by the GET that shows the lesson."""
    enrollment.last_lesson = lesson
    enrollment.last_visited_at = timezone.now()
    enrollment.save(update_fields=["last_lesson", "last_visited_at"])


# --- Progress and completion ----------------------------------------------------------


@transaction.atomic
def lesson_mark_done(*, enrollment: Enrollment, lesson: Lesson) -> LessonCompletion:
    """The learner marks a content lesson as done (quizzes and assignments are done by
    passing and by acceptance). Idempotent. Completes the course if that was the last."""
    if enrollment.status != EnrollmentStatus.ACTIVE and enrollment.status != (
        EnrollmentStatus.COMPLETED
    ):
        raise LessonNotMarkable(_("The enrolment is not active."))
    if lesson.module.course_id != enrollment.course_id:
        raise LessonNotMarkable(_("The lesson is not part of this course."))
    if lesson.kind != LessonKind.CONTENT:
        raise LessonNotMarkable(_("Only content lessons are marked as done by the learner."))
    completion, _created = LessonCompletion.objects.get_or_create(
        enrollment=enrollment,
        lesson=lesson,
        defaults={"completed_at": timezone.now(), "source": "learner"},
    )
    enrollment_refresh_completion(enrollment=enrollment)
    return completion


@transaction.atomic
def enrollment_refresh_completion(*, enrollment: Enrollment) -> CourseCompletion | None:
    """Applies the completion rule to an active enrolment; idempotent.

    Rule: every required lesson done (content marked done, quiz passed, assignment
    accepted). Then: the quiz/assignment lessons done are recorded as rows, a
    CourseCompletion dated the day the last required lesson was done is added, the
    enrolment becomes completed and a certificate is issued.

    Called where an input of the rule changes, never by a page view: a lesson marked done
    (``lesson_mark_done``), a submission accepted (``submission_mark``), a quiz attempt
    finalised (the ``quiz_attempt_finalised`` hook in ``courses.wagtail_hooks``), and the
    daily ``courses_refresh_completions`` sweep (e.g. after a lesson stops being required).
    """
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        return getattr(enrollment, "completion", None)
    outline = selectors.course_outline(course=enrollment.course, enrollment=enrollment)
    recorded = set(enrollment.lesson_completions.values_list("lesson_id", flat=True))
    for state in outline.lessons:
        if state.done and state.lesson.pk not in recorded and state.done_on is not None:
            LessonCompletion.objects.create(
                enrollment=enrollment,
                lesson=state.lesson,
                completed_at=timezone.make_aware(
                    datetime.datetime.combine(state.done_on, datetime.time(12))
                ),
                source=state.lesson.kind,
            )
    if not outline.requirements_met:
        return None
    required_dates = [
        state.done_on for state in outline.lessons if state.lesson.required and state.done_on
    ]
    completed_on = max(required_dates) if required_dates else timezone.localdate()
    completion = CourseCompletion.objects.create(
        user=enrollment.user,
        course=enrollment.course,
        enrollment=enrollment,
        completed_on=completed_on,
    )
    enrollment_set_status(
        enrollment=enrollment, status=EnrollmentStatus.COMPLETED, reason="completion rule met"
    )
    certificate_issue(completion=completion)
    _learning_record_changed(enrollment.user_id)
    return completion


LEARNING_RECORD_CHANGED_HOOK = "courses_learning_record_changed"


def _announce_learning_record_changed(user_id: int) -> None:
    """Tells the apps above courses that a learner's record changed (a course completed, an
    assignment accepted), once the transaction has committed. Each function registered with
    ``@hooks.register("courses_learning_record_changed")`` is called with ``user=``
    (accreditation moves the learner's open applications). A failing hook is logged; the
    record stands."""
    user = User.objects.get(pk=user_id)
    for hook in hooks.get_hooks(LEARNING_RECORD_CHANGED_HOOK):
        try:
            hook(user=user)
        except Exception:
            logger.exception(
                "%s hook %r failed for user %s", LEARNING_RECORD_CHANGED_HOOK, hook, user_id
            )


def _learning_record_changed(user_id: int) -> None:
    transaction.on_commit(lambda: _announce_learning_record_changed(user_id))


# --- Certificates ---------------------------------------------------------------------


def certificate_issue(*, completion: CourseCompletion) -> Certificate:
    """Issues the certificate of completion (once per completion)."""
    certificate, created = Certificate.objects.get_or_create(
        completion=completion,
        defaults={
            "holder_name": completion.user.full_name or completion.user.email,
            "course_title": completion.course.title,
            "course_titles": course_title_translations(completion.course),
            "issued_on": completion.completed_on,
        },
    )
    if created:
        record(
            "courses.certificate.issued",
            instance=certificate,
            data={"course": completion.course.title, "holder": certificate.holder_name},
        )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Staff withdraw a certificate (e.g. issued in error); verification then says so."""
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
        record("courses.certificate.revoked", instance=certificate, user=actor, reason=reason)
    return certificate


# --- Assignments ----------------------------------------------------------------------


@transaction.atomic
def submission_create(
    *,
    user: User,
    assignment: Assignment,
    text: str = "",
    file: UploadedFile | None = None,
    enrollment: Enrollment | None = None,
) -> Submission:
    """A learner hands in an assignment (a new row each time).

    Refused while an earlier submission waits for marking or once one was accepted.
    """
    text = (text or "").strip()
    if not text and file is None:
        raise SubmissionNotAllowed(_("Write an answer or attach a file."))
    if text and not assignment.accepts_text:
        raise SubmissionNotAllowed(_("This assignment does not accept a text answer."))
    if file is not None and not assignment.accepts_file:
        raise SubmissionNotAllowed(_("This assignment does not accept files."))
    # lock the learner's submissions of this assignment while deciding
    list(Submission.objects.select_for_update().filter(user=user, assignment=assignment))
    refusal = selectors.submission_refusal(user=user, assignment=assignment, enrollment=enrollment)
    if refusal:
        raise SubmissionNotAllowed(refusal)
    if file is not None:
        validate_submission_file(file)
    submission = Submission.objects.create(
        user=user,
        assignment=assignment,
        enrollment=enrollment,
        text=text,
        file=file,
        original_filename=(file.name[:255] if file is not None else ""),
    )
    record(
        "courses.submission.submitted",
        instance=submission,
        user=user,
        data={"assignment": assignment.pk, "file": submission.original_filename},
    )
    return submission


@transaction.atomic
def submission_mark(
    *, submission: Submission, reviewer: User, accepted: bool, feedback: str = ""
) -> Submission:
    """Staff accept a submission or send it back for revision, with feedback; logged.
    Acceptance can complete the learner's course."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise SubmissionNotAllowed(_("This submission has been marked already."))
    submission.status = SubmissionStatus.ACCEPTED if accepted else SubmissionStatus.NEEDS_REVISION
    submission.feedback = feedback
    submission.reviewed_by = reviewer
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "feedback", "reviewed_by", "reviewed_at"])
    record(
        f"courses.submission.{submission.status}",
        instance=submission,
        user=reviewer,
        data={"feedback": feedback, "learner": submission.user.email},
    )
    if accepted:
        for enrollment in Enrollment.objects.filter(
            user=submission.user,
            status=EnrollmentStatus.ACTIVE,
            course__modules__lessons__assignment=submission.assignment,
        ).distinct():
            enrollment_refresh_completion(enrollment=enrollment)
        _learning_record_changed(submission.user_id)
    return submission
