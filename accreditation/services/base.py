"""Plumbing shared by the services: the error type, the reason rule and the decisions log."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from accreditation.models import DECISION_ACTIONS, Accreditation, Application, AuditFirm
from accreditation.services import emails
from lms import audit
from lms.errors import ServiceError


class AccreditationError(ServiceError):
    """A service refused: the message says why in plain words."""


def clean_reason(reason: str) -> str:
    """The reason of a decision, stripped; refuses an empty one (every decision has a why)."""
    reason = (reason or "").strip()
    if not reason:
        raise AccreditationError(_("A reason is required for every decision."))
    return reason


def today() -> datetime.date:
    return timezone.localdate()


def record_decision(
    *,
    action: str,
    user,
    reason: str,
    accreditation: Accreditation | None = None,
    application: Application | None = None,
    firm: AuditFirm | None = None,
    data: dict[str, Any] | None = None,
    notify: bool = True,
) -> ModelLogEntry:
    """Writes one decision into the audit log (``lms.audit.record``) and returns the entry.

    The entry is about the most specific object named (the accreditation, else the
    application, else the firm); its ``data`` keeps the ids of all three (``None`` where not
    named: the decisions about a firm are those that name it) next to ``data``'s own facts,
    and the reason. ``user`` is who decided (``None`` for the system: expiry, import).
    ``action`` must be one of ``DECISION_ACTIONS`` (registered in ``wagtail_hooks``). With
    ``notify`` the people concerned get the decision e-mail after commit.
    """
    if action not in DECISION_ACTIONS:
        raise ValueError(f"{action!r} is not a decision (see DECISION_ACTIONS).")
    instance = accreditation or application or firm
    if instance is None:
        raise ValueError("A decision is about an accreditation, an application or a firm.")
    payload = {
        **(data or {}),
        "accreditation": accreditation.pk if accreditation else None,
        "application": application.pk if application else None,
        "firm": firm.pk if firm else None,
    }
    entry = audit.record(action, instance=instance, user=user, reason=reason, data=payload)
    if notify:
        emails.send_decision_email(entry)
    return entry
