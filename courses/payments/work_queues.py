"""What waits for the secretariat in payments, for the admin dashboard and the daily digest
(``lms.work_queues``, hook ``staff_work_queues``, registered in ``wagtail_hooks``), for staff
who open the orders report and mark invoices paid:

- orders awaiting payment: invoice orders still pending (staff mark them paid when the
  transfer arrives; a pending card order waits for Stripe, not for staff);
- invoices unpaid for more than ``INVOICE_OVERDUE_DAYS`` days: the same orders whose
  invoice was issued before then (to chase, or to cancel).

Each queue is one aggregate query. Both link to the orders report, filtered.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from courses.payments import permissions
from courses.payments.models import Order, OrderStatus, PaymentMethod
from lms.work_queues import QueueItem

APP = "payments"
INVOICE_OVERDUE_DAYS = 30


def _awaiting_payment():
    return Order.objects.filter(status=OrderStatus.PENDING, method=PaymentMethod.INVOICE)


def _orders_url(**params) -> str:
    query = {"status": OrderStatus.PENDING, "method": PaymentMethod.INVOICE, **params}
    return f"{reverse('payments_orders:index')}?{urlencode(query)}"


def orders_awaiting_payment() -> QueueItem:
    waiting = _awaiting_payment().aggregate(count=Count("pk"), oldest=Min("created_at"))
    return QueueItem(
        label=_("Orders awaiting payment by invoice"),
        count=waiting["count"],
        oldest=waiting["oldest"],
        url=_orders_url(),
        app=APP,
    )


def invoices_overdue(*, on: datetime.date | None = None) -> QueueItem:
    """Invoice orders still pending whose invoice was issued more than
    ``INVOICE_OVERDUE_DAYS`` days before ``on``."""
    on = on or timezone.localdate()
    last_day = on - datetime.timedelta(days=INVOICE_OVERDUE_DAYS + 1)
    waiting = (
        _awaiting_payment()
        .filter(invoice__issued_on__lte=last_day)
        .aggregate(count=Count("pk"), oldest=Min("invoice__issued_on"))
    )
    return QueueItem(
        label=_("Invoices unpaid for more than %(days)d days") % {"days": INVOICE_OVERDUE_DAYS},
        count=waiting["count"],
        oldest=waiting["oldest"],
        # The report filters on the order's date; an invoice is issued when its order is placed.
        url=_orders_url(created_at_to=last_day.isoformat()),
        app=APP,
    )


def staff_work_queues(user) -> list[QueueItem]:
    """The payments queues ``user`` may act on."""
    if permissions.can_manage_orders(user) and permissions.can_mark_paid(user):
        return [orders_awaiting_payment(), invoices_overdue()]
    return []
