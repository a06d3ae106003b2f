"""The courses' part of a member organisation's learning summary (the
``organisation_learning_summary`` hook of ``lms.members.learning``): each course a person
started (an active or completed enrolment), its completion and its certificate."""

from __future__ import annotations

from django.utils import timezone

from courses.models import Enrollment, EnrollmentStatus
from lms.members.learning import LearningKind, LearningRecord, LearningStatus


def organisation_learning_summary(*, user_ids) -> list[LearningRecord]:
    """One query for any number of people."""
    enrollments = (
        Enrollment.objects.filter(
            user_id__in=user_ids,
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
        )
        .select_related("course", "completion__certificate")
        .order_by("user_id", "created_at", "pk")
    )
    records = []
    for enrollment in enrollments:
        completion = getattr(enrollment, "completion", None)
        certificate = getattr(completion, "certificate", None) if completion else None
        started = enrollment.activated_at or enrollment.created_at
        records.append(
            LearningRecord(
                user_id=enrollment.user_id,
                kind=LearningKind.COURSE,
                title=enrollment.course.title,
                status=LearningStatus.COMPLETED if completion else LearningStatus.STARTED,
                started_on=timezone.localdate(started) if started else None,
                completed_on=completion.completed_on if completion else None,
                certificate_code=certificate.code if certificate else "",
                certificate_url=certificate.get_absolute_url() if certificate else "",
                certificate_revoked=bool(certificate and not certificate.is_valid),
            )
        )
    return records
