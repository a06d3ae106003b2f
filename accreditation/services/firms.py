"""The firms' own accreditation: periods (granted, renewed yearly) and status changes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from accreditation import selectors
from accreditation.models import AuditFirm, FirmAccreditationPeriod, FirmStatusChange
from accreditation.services.base import AccreditationError, clean_reason, record_decision, today
from accreditation.services.register import register_batch
from lms.formats import local_date

# --- firms ----------------------------------------------------------------------------


def _firm_status_change(
    firm: AuditFirm, status: str, effective: datetime.date, reason: str, actor
) -> FirmStatusChange:
    return FirmStatusChange.objects.create(
        firm=firm, status=status, effective_from=effective, reason=reason, created_by=actor
    )


@transaction.atomic
@register_batch()
def firm_accreditation_grant(
    *,
    firm: AuditFirm,
    actor,
    reason: str,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> FirmAccreditationPeriod:
    """Grants the firm's own accreditation for a period (one year by default)."""
    reason = clean_reason(reason)
    firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
    valid_from = valid_from or today()
    valid_until = valid_until or selectors.add_months(valid_from, 12) - datetime.timedelta(days=1)
    if valid_until < valid_from:
        raise AccreditationError(_("The end date must not be before the start date."))
    period = FirmAccreditationPeriod.objects.create(
        firm=firm, valid_from=valid_from, valid_until=valid_until, source="granted"
    )
    status, _since = selectors.firm_status_on(firm, valid_from)
    if status != FirmStatusChange.Status.ACTIVE:
        _firm_status_change(firm, FirmStatusChange.Status.ACTIVE, valid_from, reason, actor)
    record_decision(
        action="accreditation.firm.granted",
        user=actor,
        reason=reason,
        firm=firm,
        data={"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()},
    )
    return period


@transaction.atomic
@register_batch()
def firm_accreditation_renew(
    *, firm: AuditFirm, actor, reason: str, valid_until: datetime.date | None = None
) -> FirmAccreditationPeriod:
    """Yearly renewal: a new period from the day after the last one ends (or from today when
    the accreditation had lapsed)."""
    reason = clean_reason(reason)
    firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
    last = firm.periods.order_by("-valid_until").first()
    on = today()
    start = (
        last.valid_until + datetime.timedelta(days=1)
        if last and last.valid_until >= on - datetime.timedelta(days=1)
        else on
    )
    valid_until = valid_until or selectors.add_months(start, 12) - datetime.timedelta(days=1)
    if valid_until < start:
        raise AccreditationError(
            _("The end date must be on or after %(date)s.") % {"date": local_date(start)}
        )
    period = FirmAccreditationPeriod.objects.create(
        firm=firm, valid_from=start, valid_until=valid_until, source="renewed"
    )
    record_decision(
        action="accreditation.firm.renewed",
        user=actor,
        reason=reason,
        firm=firm,
        data={"valid_from": start.isoformat(), "valid_until": valid_until.isoformat()},
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
) -> ModelLogEntry:
    reason = clean_reason(reason)
    effective = effective or today()
    with transaction.atomic(), register_batch():
        firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
        status, _since = selectors.firm_status_on(firm, effective)
        if status not in allowed_from:
            raise AccreditationError(
                _("The firm's accreditation is “%(status)s”; this decision does not apply.")
                % {"status": FirmStatusChange.Status(status).label}
            )
        _firm_status_change(firm, to, effective, reason, actor)
        return record_decision(
            action=action,
            user=actor,
            reason=reason,
            firm=firm,
            data={"effective_from": effective.isoformat()},
        )


def firm_accreditation_suspend(
    *, firm: AuditFirm, actor, reason: str, effective: datetime.date | None = None
) -> ModelLogEntry:
    """From ``effective`` on, the firm's auditors are not eligible through it."""
    return _firm_status_decision(
        firm=firm,
        actor=actor,
        reason=reason,
        to=FirmStatusChange.Status.SUSPENDED,
        allowed_from={FirmStatusChange.Status.ACTIVE},
        action="accreditation.firm.suspended",
        effective=effective,
    )


def firm_accreditation_reinstate(
    *, firm: AuditFirm, actor, reason: str, effective: datetime.date | None = None
) -> ModelLogEntry:
    return _firm_status_decision(
        firm=firm,
        actor=actor,
        reason=reason,
        to=FirmStatusChange.Status.ACTIVE,
        allowed_from={FirmStatusChange.Status.SUSPENDED},
        action="accreditation.firm.reinstated",
        effective=effective,
    )


def firm_accreditation_withdraw(
    *, firm: AuditFirm, actor, reason: str, effective: datetime.date | None = None
) -> ModelLogEntry:
    return _firm_status_decision(
        firm=firm,
        actor=actor,
        reason=reason,
        to=FirmStatusChange.Status.WITHDRAWN,
        allowed_from={FirmStatusChange.Status.ACTIVE, FirmStatusChange.Status.SUSPENDED},
        action="accreditation.firm.withdrawn",
        effective=effective,
    )
