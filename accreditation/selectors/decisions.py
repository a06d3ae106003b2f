"""The decisions log, read from Wagtail's audit log.

``services.record_decision`` writes each decision as one ``ModelLogEntry`` about the most
specific object it names (accreditation, else application, else firm) with the ids of all
three in ``data``. A decision is "about" an application or a firm when it names it, so an
accreditation granted on an application is listed on the application's page too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from accreditation.models import DECISION_ACTIONS, Accreditation, Application, AuditFirm

OBJECT_KEYS = ("accreditation", "application", "firm")


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as pages and e-mails show it: who, when, what, why, about what."""

    entry: ModelLogEntry
    accreditation: Accreditation | None = None
    application: Application | None = None
    firm: AuditFirm | None = None

    @property
    def at(self) -> datetime.datetime:
        return self.entry.timestamp

    @property
    def actor(self):
        """Who decided; None for the system (expiry, import)."""
        return self.entry.user if self.entry.user_id else None

    @property
    def action(self) -> str:
        return self.entry.action

    @property
    def action_title(self) -> str:
        return str(DECISION_ACTIONS.get(self.entry.action, self.entry.action))

    @property
    def reason(self) -> str:
        return (self.entry.data or {}).get("reason", "")

    @property
    def payload(self) -> dict[str, Any]:
        """The decision's own facts (dates, scope elements...), without reason and ids."""
        return {
            key: value
            for key, value in (self.entry.data or {}).items()
            if key not in ("reason", *OBJECT_KEYS)
        }


def _entries():
    return ModelLogEntry.objects.filter(action__in=list(DECISION_ACTIONS)).select_related("user")


def decisions_about(
    *,
    accreditation: Accreditation | None = None,
    application: Application | None = None,
    firm: AuditFirm | None = None,
) -> list[DecisionRecord]:
    """The decisions about one accreditation, application or firm (name exactly one),
    newest first."""
    named = [obj for obj in (accreditation, application, firm) if obj is not None]
    if len(named) != 1:
        raise ValueError("Name exactly one accreditation, application or firm.")
    if accreditation is not None:
        # An accreditation is always the entry's own object when a decision names it.
        entries = _entries().filter(
            content_type=ContentType.objects.get_for_model(Accreditation),
            object_id=str(accreditation.pk),
        )
    elif application is not None:
        entries = _entries().filter(data__application=application.pk)
    else:
        entries = _entries().filter(data__firm=firm.pk)
    return [DecisionRecord(entry=entry) for entry in entries.order_by("-timestamp", "-pk")]


def decision_of(*, entry: ModelLogEntry) -> DecisionRecord:
    """The decision an entry records, with the objects it names loaded (for its e-mail)."""
    data = entry.data or {}

    def load(queryset, key):
        pk = data.get(key)
        return queryset.filter(pk=pk).first() if pk is not None else None

    return DecisionRecord(
        entry=entry,
        accreditation=load(
            Accreditation.objects.select_related(
                "auditor__user", "firm", "standard_version__standard"
            ),
            "accreditation",
        ),
        application=load(
            Application.objects.select_related(
                "auditor__user", "firm", "standard_version__standard"
            ),
            "application",
        ),
        firm=load(AuditFirm.objects.all(), "firm"),
    )
