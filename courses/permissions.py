"""Who may do what with courses. Views and services ask these; they never build checks."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from courses.models import Audience, EnrollmentStatus
from lms.models import User
from lms.permissions import (
    is_auditor,
    is_member,
    is_secretariat,
    required,  # noqa: F401  (the one way views apply these rules)
)

__all__ = [
    "audience_allows",
    "can_download_submission",
    "can_mark_submissions",
    "can_record_progress",
    "can_revoke_certificates",
    "can_view_lessons",
    "is_auditor",
    "is_course_staff",
    "is_member",
    "required",
]


def is_course_staff(user: User | AnonymousUser) -> bool:
    """Secretariat staff: see every course and lesson, whatever the audience."""
    return is_secretariat(user)


def audience_allows(user: User | AnonymousUser, course) -> bool:
    """Whether the course's audience includes this person (staff always)."""
    if not user.is_authenticated:
        return False
    if is_course_staff(user):
        return True
    if course.audience == Audience.PUBLIC:
        return True
    if course.audience == Audience.MEMBERS:
        return is_member(user)
    if course.audience == Audience.AUDITORS:
        return is_auditor(user)
    return False


def can_view_lessons(user: User | AnonymousUser, enrollment) -> bool:
    """Lessons open to learners with an active or completed enrolment, and to staff."""
    if is_course_staff(user):
        return True
    return enrollment is not None and enrollment.gives_access


def can_record_progress(user: User | AnonymousUser, enrollment) -> bool:
    """Progress (the lesson opened last) is kept for the learner's own active enrolment."""
    return bool(
        user.is_authenticated
        and enrollment is not None
        and enrollment.user_id == user.pk
        and enrollment.status == EnrollmentStatus.ACTIVE
    )


def can_mark_submissions(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("courses.change_submission"))


def can_revoke_certificates(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("courses.change_certificate"))


def can_download_submission(user: User | AnonymousUser, submission) -> bool:
    """The learner who submitted it, or staff who mark."""
    if not user.is_authenticated:
        return False
    return submission.user_id == user.pk or can_mark_submissions(user)


def can_download_certificate(user: User | AnonymousUser, certificate) -> bool:
    """The holder, or staff. (Anyone may verify a code; the PDF is the holder's.)"""
    if not user.is_authenticated:
        return False
    return certificate.completion.user_id == user.pk or is_course_staff(user)
