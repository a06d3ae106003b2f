"""Accreditation's part of the retention schedule (``lms.privacy.retention``).

Evidence files (CVs, training certificates) are kept while the accreditation they
supported lasts and for ``PRIVACY_EVIDENCE_YEARS`` (6) years after it ends; those of an
application rejected that long ago go too. The evidence row stays (what was sent, when,
and how it was reviewed) with its file deleted from the private storage and one audit
entry per file. Registered through the ``privacy_retention_rules`` hook; imported from
``accreditation/wagtail_hooks.py``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accreditation.models import Accreditation, Application, Evidence, ScopeStatus
from lms import audit
from lms.privacy.retention import Outcome, RetentionRule, setting, years_before

# A scope element stops for good on the date of one of these status changes.
FINAL_STATUSES = {ScopeStatus.WITHDRAWN, ScopeStatus.REDUCED, ScopeStatus.EXPIRED}


def accreditation_ended_on(accreditation: Accreditation) -> datetime.date | None:
    """The last day any scope element of the accreditation was valid: each element ends at
    its ``valid_until`` or, when its latest status change is final (withdrawn, removed from
    scope, expired), on that change's date if earlier. None without scope elements.
    Expects ``scope`` and ``scope__changes`` prefetched."""
    ends = []
    for element in accreditation.scope.all():
        end = element.valid_until
        changes = list(element.changes.all())
        if changes and changes[-1].status in FINAL_STATUSES:
            end = min(end, changes[-1].effective_from)
        ends.append(end)
    return max(ends) if ends else None


def _due_evidence(today: datetime.date) -> tuple[datetime.date, list[tuple[Evidence, str]]]:
    cutoff = years_before(today, setting("PRIVACY_EVIDENCE_YEARS", 6))
    candidates = (
        Evidence.objects.exclude(file="")
        .filter(
            Q(application__accreditation__isnull=False)
            | Q(
                application__status=Application.Status.REJECTED,
                application__decided_at__date__lt=cutoff,
            )
        )
        .select_related("application__accreditation")
        .prefetch_related("application__accreditation__scope__changes")
        .order_by("pk")
    )
    due = []
    for evidence in candidates:
        application = evidence.application
        if application.status == Application.Status.REJECTED:
            ended = application.decided_at.date() if application.decided_at else None
        else:
            ended = accreditation_ended_on(application.accreditation)
        if ended is not None and ended < cutoff:
            due.append((evidence, ended.isoformat()))
    return cutoff, due


def evidence_files(*, now: datetime.datetime, dry_run: bool) -> Outcome:
    cutoff, due = _due_evidence(timezone.localdate(now))
    if dry_run:
        return Outcome(count=len(due), noun="evidence files", cutoff=cutoff)
    for evidence, ended in due:
        name, storage = evidence.file.name, evidence.file.storage
        evidence.file = ""
        evidence.save(update_fields=["file"])
        audit.record(
            "accreditation.evidence.file_deleted",
            instance=evidence,
            data={
                "rule": "evidence-files",
                "application_id": evidence.application_id,
                "ended": ended,
                "file": evidence.original_filename,
            },
        )
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return Outcome(count=len(due), noun="evidence files", cutoff=cutoff, ids=[e.pk for e, _ in due])


@hooks.register("privacy_retention_rules")
def accreditation_retention_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            "evidence-files",
            "Evidence files of accreditations that ended long ago",
            evidence_files,
        )
    ]


@hooks.register("register_log_actions")
def register_retention_log_actions(actions):
    actions.register_action(
        "accreditation.evidence.file_deleted",
        _("Delete evidence file (retention)"),
        _("Evidence file deleted under the retention schedule"),
    )
