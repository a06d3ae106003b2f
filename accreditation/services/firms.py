"""The firms' own accreditation: periods (granted, renewed yearly) and status changes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation import selectors
from accreditation.models import (
    AuditFirm,
    Decision,
    FirmAccreditationPeriod,
    FirmStatusChange,
)
from accreditation.services.base import (  # noqa: F401
    AccreditationError,
    _decide,
    _element_label,
    _reason,
    _today,
)

# --- firms ----------------------------------------------------------------------------


def _firm_status_change(
    firm: AuditFirm, status: str, effective: datetime.date, reason: str, actor
) -> FirmStatusChange:
    return FirmStatusChange.objects.create(
        firm=firm, status=status, effective_from=effective, reason=reason, created_by=actor
    )


@transaction.atomic
def firm_accreditation_grant(
    *,
    firm: AuditFirm,
    actor,
    reason: str,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> FirmAccreditationPeriod:
    """Grants the firm's own accreditation for a period (one year by default)."""
    reason = _reason(reason)
    firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
    valid_from = valid_from or _today()
    valid_until = valid_until or selectors.add_months(valid_from, 12) - datetime.timedelta(days=1)
    if valid_until < valid_from:
        raise AccreditationError(_("The end date must not be before the start date."))
    period = FirmAccreditationPeriod.objects.create(
        firm=firm, valid_from=valid_from, valid_until=valid_until, source="granted"
    )
    status, _since = selectors.firm_status_on(firm, valid_from)
    if status != FirmStatusChange.Status.ACTIVE:
        _firm_status_change(firm, FirmStatusChange.Status.ACTIVE, valid_from, reason, actor)
    _decide(
        action="firm.granted",
        actor=actor,
        reason=reason,
        firm=firm,
        payload={"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()},
    )
    return period


@transaction.atomic
def firm_accreditation_renew(
    *, firm: AuditFirm, actor, reason: str, valid_until: datetime.date | None = None
) -> FirmAccreditationPeriod:
    """Yearly renewal: a new period from the day after the last one ends (or from today when
    the accreditation had lapsed)."""
    reason = _reason(reason)
    firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
    last = firm.periods.order_by("-valid_until").first()
    today = _today()
    start = (
        last.valid_until + datetime.timedelta(days=1)
        if last and last.valid_until >= today - datetime.timedelta(days=1)
        else today
    )
    valid_until = valid_until or selectors.add_months(start, 12) - datetime.timedelta(days=1)
    if valid_until < start:
        raise AccreditationError(
            _("The end date must be on or after %(date)s.") % {"date": start.isoformat()}
        )
    period = FirmAccreditationPeriod.objects.create(
        firm=firm, valid_from=start, valid_until=valid_until, source="renewed"
    )
    _decide(
        action="firm.renewed",
        actor=actor,
        reason=reason,
        firm=firm,
        payload={"valid_from": start.isoformat(), "valid_until": valid_until.isoformat()},
    )
    return period


def _firm_status_decision(
    *,
    firm: AuditFirm,
    actor,
    reason: str,
    to: str,
    allowed_from: set[str],
    action: str,
    effective: datetime.date | None,
) -> Decision:
    reason = _reason(reason)
    effective = effective or _today()
    with transaction.atomic():
        firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
        status, _since = selectors.firm_status_on(firm, effective)
        if status not in allowed_from:
            raise AccreditationError(
                _("The firm's accreditation is “%(status)s”; this decision does not apply.")
                % {"status": FirmStatusChange.Status(status).label}
            )
        _firm_status_change(firm, to, effective, reason, actor)
        decision = _decide(
            action=action,
            actor=actor,
            reason=reason,
            firm=firm,
            payload={"effective_from": effective.isoformat()},
        )
        return decision


def firm_accreditation_suspend(
    *, firm: AuditFirm, actor, reason: str, effective: datetime.date | None = None
) -> Decision:
    """From ``effective`` on, the firm's auditors are not eligible through it."""
    return _firm_status_decision(
        firm=firm,
        actor=actor,
        reason=reason,
        to=FirmStatusChange.Status.SUSPENDED,
        allowed_from={FirmStatusChange.Status.ACTIVE},
        action="firm.suspended",
        effective=effective,
    )


def firm_accreditation_reinstate(
    *, firm: AuditFirm, actor, reason: str, effective: datetime.date | None = None
) -> Decision:
    return _firm_status_decision(
        firm=firm,
        actor=actor,
        reason=reason,
        to=FirmStatusChange.Status.ACTIVE,
        allowed_from={FirmStatusChange.Status.SUSPENDED},
        action="firm.reinstated",
        effective=effective,
    )


def firm_accreditation_withdraw(
    *, firm: AuditFirm, actor, reason: str, effective: datetime.date | None = None
) -> Decision:
    return _firm_status_decision(
        firm=firm,
        actor=actor,
        reason=reason,
        to=FirmStatusChange.Status.WITHDRAWN,
        allowed_from={FirmStatusChange.Status.ACTIVE, FirmStatusChange.Status.SUSPENDED},
        action="firm.withdrawn",
        effective=effective,
    )
