"""The learning modules' part of a member organisation's learning summary (the
``organisation_learning_summary`` hook of ``lms.members.learning``): each module a person
started, and when they completed it."""

from __future__ import annotations

from django.utils import timezone

from cms.models import ModuleProgress
from lms.members.learning import LearningKind, LearningRecord, LearningStatus


def organisation_learning_summary(*, user_ids) -> list[LearningRecord]:
    """One query for any number of people."""
    progress = (
        ModuleProgress.objects.filter(user_id__in=user_ids)
        .select_related("module")
        .only("user_id", "status", "started_at", "completed_at", "module__title")
        .order_by("user_id", "started_at", "pk")
    )
    return [
        LearningRecord(
            user_id=item.user_id,
            kind=LearningKind.MODULE,
            title=item.module.title,
            status=(
                LearningStatus.COMPLETED
                if item.status == ModuleProgress.Status.COMPLETED
                else LearningStatus.STARTED
            ),
            started_on=timezone.localdate(item.started_at) if item.started_at else None,
            completed_on=timezone.localdate(item.completed_at) if item.completed_at else None,
        )
        for item in progress
    ]
