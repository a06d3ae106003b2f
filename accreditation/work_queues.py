"""What waits for the secretariat in the accreditation app, for the admin dashboard and the
daily digest (``lms.work_queues``, hook ``staff_work_queues``, registered in
``wagtail_hooks``):

- applications ready for review (every requirement met, waiting for a decision), for staff
  who review applications;
- auditors' requests to join a firm still waiting for the firm after
  ``AFFILIATION_WAIT_DAYS`` days, for staff who decide affiliations on a firm's behalf;
- accreditations with a scope element active today that ends within
  ``EXPIRY_WINDOW_DAYS`` days, for staff who decide on accreditations (renewals).

- firms' applications for accreditation submitted and waiting for a decision, for staff
  who decide on them (``can_review_firm_applications``);
- firms whose yearly renewal is overdue (its due date passed, see
  ``selectors.firm_onboarding``), for staff who decide on accreditations.

Each queue is one aggregate query (count and oldest date).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accreditation import permissions
from accreditation.models import (
    Affiliation,
    Application,
    FirmApplication,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
)
from accreditation.selectors import AFFILIATION_PENDING, EXPIRY_WINDOW_DAYS
from accreditation.selectors.firm_onboarding import firms_with_renewal_due
from lms.work_queues import QueueItem

APP = "accreditation"
AFFILIATION_WAIT_DAYS = 7


def _url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def applications_ready_for_review() -> QueueItem:
    waiting = Application.objects.filter(status=Application.Status.READY_FOR_REVIEW).aggregate(
        count=Count("pk"), oldest=Min("submitted_at")
    )
    return QueueItem(
        label=_("Applications ready for review"),
        count=waiting["count"],
        oldest=waiting["oldest"],
        url=_url("accreditation_application:index", status=Application.Status.READY_FOR_REVIEW),
        app=APP,
    )


def affiliations_waiting(*, now: datetime.datetime | None = None) -> QueueItem:
    """Requests to join a firm made more than ``AFFILIATION_WAIT_DAYS`` days ago and still
    waiting for the firm (a request without a date is not counted)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=AFFILIATION_WAIT_DAYS)
    waiting = Affiliation.objects.filter(
        status=Affiliation.Status.PENDING, requested_at__lte=cutoff
    ).aggregate(count=Count("pk"), oldest=Min("requested_at"))
    return QueueItem(
        label=_("Affiliations waiting for a firm for more than %(days)d days")
        % {"days": AFFILIATION_WAIT_DAYS},
        count=waiting["count"],
        oldest=waiting["oldest"],
        url=_url("accreditation_affiliation:index", status=AFFILIATION_PENDING),
        app=APP,
    )


def accreditations_expiring(*, on: datetime.date | None = None) -> QueueItem:
    """Accreditations with a scope element that is active on ``on`` (its latest status
    change on or before that date says active, and ``on`` is within its dates) and ends
    within ``EXPIRY_WINDOW_DAYS`` days: those to renew soon."""
    on = on or timezone.localdate()
    horizon = on + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    status_on = (
        ScopeStatusChange.objects.filter(element=OuterRef("pk"), effective_from__lte=on)
        .order_by("-effective_from", "-created_at", "-pk")
        .values("status")[:1]
    )
    waiting = (
        ScopeElement.objects.filter(valid_from__lte=on, valid_until__gte=on)
        .filter(valid_until__lte=horizon)
        .annotate(status_on=Subquery(status_on))
        .filter(status_on=ScopeStatus.ACTIVE)
        .aggregate(count=Count("accreditation", distinct=True))
    )
    return QueueItem(
        label=_("Accreditations expiring in the next %(days)d days") % {"days": EXPIRY_WINDOW_DAYS},
        count=waiting["count"],
        url=reverse("accreditation_accreditation:index"),
        app=APP,
    )


def firm_applications_to_review() -> QueueItem:
    """Firms' applications submitted and waiting for a decision (paid or not: staff see
    the fee on the application)."""
    waiting = FirmApplication.objects.filter(status=FirmApplication.Status.SUBMITTED).aggregate(
        count=Count("pk"), oldest=Min("submitted_at")
    )
    return QueueItem(
        label=_("Firm applications to review"),
        count=waiting["count"],
        oldest=waiting["oldest"],
        url=_url("accreditation_firm_application:index", status=FirmApplication.Status.SUBMITTED),
        app=APP,
    )


def firm_renewals_overdue(*, on: datetime.date | None = None) -> QueueItem:
    """Firms (not withdrawn) whose yearly renewal was due before ``on`` (today)."""
    on = on or timezone.localdate()
    waiting = firms_with_renewal_due(on=on, overdue_only=True).aggregate(
        count=Count("pk"), oldest=Min("due_on")
    )
    return QueueItem(
        label=_("Firm renewals overdue"),
        count=waiting["count"],
        oldest=waiting["oldest"],
        url=_url("accreditation_firm_application:renewals", overdue="1"),
        app=APP,
    )


def staff_work_queues(user) -> list[QueueItem]:
    """The accreditation queues ``user`` may act on."""
    items = []
    if permissions.can_review_application(user):
        items.append(applications_ready_for_review())
    if permissions.can_decide_affiliations_as_staff(user):
        items.append(affiliations_waiting())
    if permissions.can_decide(user):
        items.append(accreditations_expiring())
    if permissions.can_review_firm_applications(user):
        items.append(firm_applications_to_review())
    if permissions.can_decide(user):
        items.append(firm_renewals_overdue())
    return items
