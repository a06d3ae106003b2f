"""Writes of the content site: learning-module progress."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cms.models import LearningModulePage, ModuleProgress
from lms.models import User


def module_progress_start(*, user: User, module: LearningModulePage) -> ModuleProgress:
    """Records that ``user`` opened ``module`` (once; a completed module stays completed).

    Called by the module page's own POST once it has loaded, never by the GET showing it."""
    progress, _ = ModuleProgress.objects.get_or_create(
        user=user, module=module, defaults={"started_at": timezone.now()}
    )
    return progress


@transaction.atomic
def module_progress_complete(*, user: User, module: LearningModulePage) -> ModuleProgress:
    """Marks ``module`` complete for ``user``. The caller has checked that they may read it."""
    now = timezone.now()
    progress, _ = ModuleProgress.objects.select_for_update().get_or_create(
        user=user, module=module, defaults={"started_at": now}
    )
    if progress.status != ModuleProgress.Status.COMPLETED:
        progress.status = ModuleProgress.Status.COMPLETED
        progress.completed_at = now
        progress.save(update_fields=["status", "completed_at"])
    return progress
