"""Affiliations as firm admins, staff and auditors read them: requests waiting for a firm,
the firm's confirmed, declined and ended ones, and an auditor's own."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.models import Affiliation, AuditFirm

AFFILIATION_PENDING = "pending"
AFFILIATION_CURRENT = "current"
AFFILIATION_DECLINED = "declined"
AFFILIATION_ENDED = "ended"
AFFILIATION_ALL = "all"

# The filter of the firm's affiliations list: value, label.
AFFILIATION_FILTERS = [
    (AFFILIATION_PENDING, _("Waiting for confirmation")),
    (AFFILIATION_CURRENT, _("Confirmed")),
    (AFFILIATION_DECLINED, _("Declined")),
    (AFFILIATION_ENDED, _("Ended")),
    (AFFILIATION_ALL, _("All")),
]


def _filtered(
    affiliations: QuerySet[Affiliation], status: str, on: datetime.date
) -> QuerySet[Affiliation]:
    A = Affiliation.Status
    if status == AFFILIATION_PENDING:
        return affiliations.filter(status=A.PENDING)
    if status == AFFILIATION_CURRENT:
        return affiliations.filter(status=A.CONFIRMED).filter(
            Q(until__isnull=True) | Q(until__gte=on)
        )
    if status == AFFILIATION_DECLINED:
        return affiliations.filter(status=A.DECLINED)
    if status == AFFILIATION_ENDED:
        return affiliations.filter(status=A.CONFIRMED, until__lt=on)
    return affiliations


def firm_affiliations(
    *,
    firm: AuditFirm | None = None,
    status: str = AFFILIATION_PENDING,
    query: str = "",
    on: datetime.date | None = None,
) -> QuerySet[Affiliation]:
    """The affiliations of ``firm`` (every firm with None, for staff) in one of the
    ``AFFILIATION_FILTERS`` (unknown: all), whose auditor's name or e-mail contains
    ``query``; oldest request first for pending ones, by auditor name otherwise.
    "Confirmed" includes those whose end date lies ahead."""
    on = on or timezone.localdate()
    affiliations = Affiliation.objects.select_related("auditor__user", "firm", "decided_by")
    if firm is not None:
        affiliations = affiliations.filter(firm=firm)
    affiliations = _filtered(affiliations, status, on)
    query = (query or "").strip()
    if query:
        affiliations = affiliations.filter(
            Q(auditor__user__full_name__icontains=query) | Q(auditor__user__email__icontains=query)
        )
    if status == AFFILIATION_PENDING:
        return affiliations.order_by("requested_at", "pk")
    return affiliations.order_by("auditor__user__full_name", "firm__name", "-pk")


def affiliations_of(*, user) -> list[Affiliation]:
    """The person's affiliations (every status, ended ones too), by firm, newest first."""
    if not user.is_authenticated:
        return []
    return list(
        Affiliation.objects.filter(auditor__user=user)
        .select_related("firm")
        .order_by("firm__name", "-pk")
    )


def affiliation_counts_today(*, auditor, firm) -> bool:
    """Whether a confirmed affiliation of the auditor to the firm covers today."""
    return (
        Affiliation.objects.counting_on(timezone.localdate())
        .filter(auditor=auditor, firm=firm)
        .exists()
    )
