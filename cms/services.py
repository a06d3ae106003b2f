"""Writes of the content site: learning-module progress."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms import translations
from cms.models import LearningModulePage, ModuleProgress
from lms.errors import ServiceError
from lms.models import User


class ModuleNotCompletable(ServiceError):
    """The module cannot be marked complete yet (its knowledge check is not passed)."""


def module_progress_start(*, user: User, module: LearningModulePage) -> ModuleProgress:
    """Records that ``user`` opened ``module`` (once; a completed module stays completed).

    Called by the module page's own POST once it has loaded, never by the GET showing it.
    A translation of a module counts for its English original (cms/translations.py)."""
    module = translations.source_page(module)
    progress, _ = ModuleProgress.objects.get_or_create(
        user=user, module=module, defaults={"started_at": timezone.now()}
    )
    return progress


@transaction.atomic
def module_progress_complete(*, user: User, module: LearningModulePage) -> ModuleProgress:
    """Marks ``module`` complete for ``user``. The caller has checked that they may read it.

    A module that asks for a pass of its knowledge checks (``knowledge_check_pass_required``)
    refuses with ``ModuleNotCompletable`` until each is passed."""
    from cms.selectors import knowledge_checks_to_pass

    module = translations.source_page(module)  # progress is kept against the English page
    missing = knowledge_checks_to_pass(user=user, module=module)
    if missing:
        raise ModuleNotCompletable(
            _("Pass the knowledge check first: %(quizzes)s.")
            % {"quizzes": ", ".join(f"“{quiz.title}”" for quiz in missing)}
        )
    now = timezone.now()
    progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
        user=user, module=module, defaults={"started_at": now}
    )
    if progress.status != ModuleProgress.Status.COMPLETED:
        progress.status = ModuleProgress.Status.COMPLETED
        progress.completed_at = now
        progress.save(update_fields=["status", "completed_at"])
    return progress
