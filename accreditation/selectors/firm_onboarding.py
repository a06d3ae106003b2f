"""Reads of firm onboarding: firms' applications, their fee, and the yearly renewal.

The renewal rule (a choice, written down here): a firm's renewal is due on the last day of
its latest accreditation period (``FirmAccreditationPeriod.valid_until``). Periods are
yearly (an approval grants at most one year, ``firm_accreditation_renew`` adds one year),
so the renewal falls due once a year, on the day the firm would stop being accredited.
The renewal fee counts as paid for that due date when a renewal fee for the firm was paid
on or after the first day of that latest period; paying never renews by itself: staff
renew (Accreditation › Audit firms › Decisions), which starts a new period and so a new
due date. A renewal is overdue once its due date has passed (unless the firm's
accreditation was withdrawn).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation.models import (
    AuditFirm,
    FirmAccreditationPeriod,
    FirmApplication,
    FirmStatusChange,
)
from courses.payments import selectors as payments
from courses.payments.models import Kind, OrderLine

# Days before the due date when the firm's admins are reminded of the renewal fee.
RENEWAL_REMINDER_DAYS = (60, 30, 0)
RENEWALS_WINDOW_DAYS = 60  # staff's renewals list: due within this many days, or overdue
PAGE_SIZE = 25


def firm_name_clash(*, name: str, exclude: FirmApplication | None = None) -> str | None:
    """Why ``name`` cannot be a new firm's legal name (in plain words), or None.

    Refused: the name of an existing firm, and the name of another application waiting for
    a decision, compared without case and surrounding spaces."""
    name = (name or "").strip()
    if not name:
        return None
    if AuditFirm.objects.filter(name__iexact=name).exists():
        return _(
            "An audit firm named “%(name)s” is already accredited or known to the secretariat. "
            "If it is your firm, ask one of its administrators to add you as an administrator."
        ) % {"name": name}
    others = FirmApplication.objects.filter(
        legal_name__iexact=name, status=FirmApplication.Status.SUBMITTED
    )
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        return _(
            "An application for a firm named “%(name)s” is already waiting for a decision."
        ) % {"name": name}
    return None


def firm_applications_of(*, user) -> QuerySet[FirmApplication]:
    """The person's own firm applications, newest first."""
    if not user.is_authenticated:
        return FirmApplication.objects.none()
    return FirmApplication.objects.filter(applicant=user).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class FeeState:
    """The application (or renewal) fee of one target: what is on sale, what was paid,
    what waits for payment."""

    item: object | None  # the catalogue item on sale today, if any
    paid: OrderLine | None
    waiting: OrderLine | None

    @property
    def is_paid(self) -> bool:
        return self.paid is not None


def firm_application_fee(application: FirmApplication) -> FeeState:
    """The application fee of ``application``: paid, waiting for payment, or not ordered;
    ``item`` is None when no application fee is on sale (staff decide without it)."""
    return FeeState(
        item=payments.item_for_firm_fee(kind=Kind.FIRM_APPLICATION),
        paid=payments.firm_fees_paid(firm=application, kind=Kind.FIRM_APPLICATION).first(),
        waiting=payments.firm_fees_waiting(firm=application, kind=Kind.FIRM_APPLICATION).first(),
    )


STAFF_STATUS_FILTERS = [
    (FirmApplication.Status.SUBMITTED, gettext_lazy("Waiting for a decision")),
    (FirmApplication.Status.APPROVED, gettext_lazy("Approved")),
    (FirmApplication.Status.REJECTED, gettext_lazy("Rejected")),
    (FirmApplication.Status.DRAFT, gettext_lazy("Drafts (not submitted)")),
    ("all", gettext_lazy("All")),
]


def firm_applications_for_staff(
    *, status: str = FirmApplication.Status.SUBMITTED, paid: str = "", query: str = ""
) -> QuerySet[FirmApplication]:
    """Firm applications as staff list them: by status (``all`` for every one), by fee
    (``paid``: ``yes`` / ``no``), and by legal name or applicant; oldest submitted first
    for those waiting, newest first otherwise. Each row has ``fee_paid``."""
    applications = FirmApplication.objects.select_related("applicant", "firm").annotate(
        pk_text=Cast("pk", CharField()),
    )
    applications = applications.annotate(
        fee_paid=Exists(
            OrderLine.objects.filter(
                kind=Kind.FIRM_APPLICATION,
                target_type=FirmApplication._meta.label_lower,
                target_id=OuterRef("pk_text"),
                state="granted",
                order__status="paid",
            )
        )
    )
    if status != "all":
        applications = applications.filter(status=status)
    if paid == "yes":
        applications = applications.filter(fee_paid=True)
    elif paid == "no":
        applications = applications.filter(fee_paid=False)
    query = (query or "").strip()
    if query:
        applications = applications.filter(
            Q(legal_name__icontains=query)
            | Q(applicant__email__icontains=query)
            | Q(applicant__full_name__icontains=query)
            | Q(admin_email__icontains=query)
        )
    if status == FirmApplication.Status.SUBMITTED:
        return applications.order_by("submitted_at", "pk")
    return applications.order_by("-submitted_at", "-created_at", "-pk")


def page_of(queryset, number) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(number)


# --- renewal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Renewal:
    """A firm's next yearly renewal: when it is due, whether its fee is paid."""

    firm: AuditFirm
    due_on: datetime.date
    period_from: datetime.date
    paid: OrderLine | None
    waiting: OrderLine | None
    today: datetime.date
    item: object | None = None  # the renewal fee on sale today, if any

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def is_overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def is_paid(self) -> bool:
        return self.paid is not None


def firm_renewal(firm: AuditFirm, on: datetime.date | None = None) -> Renewal | None:
    """The renewal of ``firm`` as of ``on`` (today): due on the end of its latest period,
    paid by a renewal fee paid since that period began (see the module docstring). None for
    a firm without any period (nothing to renew)."""
    renewals = firm_renewals([firm], on)
    return renewals[0] if renewals else None


def firm_renewals(firms, on: datetime.date | None = None) -> list[Renewal]:
    """``firm_renewal`` of each of ``firms`` (a page of the staff list), in the same order,
    firms without any period left out; read in a fixed number of queries whatever the
    number of firms: their periods, the renewal fees paid and waiting for them, and the
    renewal fee on sale."""
    on = on or timezone.localdate()
    firms = list(firms)
    if not firms:
        return []
    prefetch_related_objects(
        firms,
        Prefetch(
            "periods",
            queryset=FirmAccreditationPeriod.objects.order_by("-valid_until", "-valid_from"),
            to_attr="periods_latest_first",
        ),
    )
    firms = [firm for firm in firms if firm.periods_latest_first]  # nothing to renew else
    if not firms:
        return []
    paid: dict[str, list[OrderLine]] = {}
    for line in payments.firms_fees_paid(firms=firms, kind=Kind.FIRM_RENEWAL):
        paid.setdefault(line.target_id, []).append(line)
    waiting: dict[str, OrderLine] = {}
    for line in payments.firms_fees_waiting(firms=firms, kind=Kind.FIRM_RENEWAL):
        waiting.setdefault(line.target_id, line)
    item = payments.item_for_firm_fee(kind=Kind.FIRM_RENEWAL)
    renewals = []
    for firm in firms:
        latest = firm.periods_latest_first[0]
        renewals.append(
            Renewal(
                firm=firm,
                due_on=latest.valid_until,
                period_from=latest.valid_from,
                # Paid since the period began (``firm_fees_paid(since=...)``: the day of
                # payment in the site's time zone).
                paid=next(
                    (
                        line
                        for line in paid.get(str(firm.pk), [])
                        if line.order.paid_at is not None
                        and timezone.localdate(line.order.paid_at) >= latest.valid_from
                    ),
                    None,
                ),
                waiting=waiting.get(str(firm.pk)),
                today=on,
                item=item,
            )
        )
    return renewals


def _status_today(on: datetime.date):
    return Subquery(
        FirmStatusChange.objects.filter(firm=OuterRef("pk"), effective_from__lte=on)
        .order_by("-effective_from", "-created_at", "-pk")
        .values("status")[:1]
    )


def firms_with_renewal_due(*, on: datetime.date | None = None, overdue_only: bool = False):
    """Firms (not withdrawn) whose renewal is due within ``RENEWALS_WINDOW_DAYS`` days or
    overdue (``overdue_only``: overdue only), soonest first, each with ``due_on``."""
    on = on or timezone.localdate()
    firms = (
        AuditFirm.objects.annotate(
            due_on=Subquery(
                FirmAccreditationPeriod.objects.filter(firm=OuterRef("pk"))
                .order_by("-valid_until")
                .values("valid_until")[:1]
            ),
            status_today=_status_today(on),
        )
        .filter(due_on__isnull=False)
        # No status change recorded means active (a NULL must not be excluded).
        .filter(Q(status_today__isnull=True) | ~Q(status_today=FirmStatusChange.Status.WITHDRAWN))
    )
    if overdue_only:
        firms = firms.filter(due_on__lt=on)
    else:
        firms = firms.filter(due_on__lte=on + datetime.timedelta(days=RENEWALS_WINDOW_DAYS))
    return firms.order_by("due_on", "name")


def latest_period(firm: AuditFirm) -> FirmAccreditationPeriod | None:
    return firm.periods.order_by("-valid_until", "-valid_from").first()
