"""Plumbing shared by the services: the error type, the decisions log, after-commit signals."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as country_registry

from accreditation import emails
from accreditation.models import (
    Accreditation,
    Application,
    AuditFirm,
    Decision,
    ScopeElement,
)


class AccreditationError(ValidationError):
    """A service refused: the message says why in plain words."""


# --- plumbing -------------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AccreditationError(_("A reason is required for every decision."))
    return reason


def _decide(
    *,
    action: str,
    actor,
    reason: str,
    payload: dict | None = None,
    accreditation: Accreditation | None = None,
    application: Application | None = None,
    firm: AuditFirm | None = None,
    notify: bool = True,
) -> Decision:
    decision = Decision.objects.create(
        action=action,
        actor=actor,
        reason=reason,
        payload=payload or {},
        accreditation=accreditation,
        application=application,
        firm=firm,
    )
    if notify:
        emails.send_decision_email(decision)
    return decision


def _today() -> datetime.date:
    return timezone.localdate()


def _element_label(element: ScopeElement) -> str:
    return f"{element.sector.name} — {country_registry.name(element.country) or element.country}"
