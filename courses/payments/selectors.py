"""Reads of the payments app: prices for a person, orders, vouchers, the staff report."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from courses.payments import conf
from courses.payments.models import (
    FIRM_KINDS,
    CatalogueItem,
    Kind,
    LineState,
    Order,
    OrderLine,
    OrderStatus,
    Price,
    SittingVoucher,
    format_money,
)
from lms.permissions import is_member


@dataclass(frozen=True)
class Quote:
    """What one unit of an item costs this person, in one currency."""

    item: CatalogueItem
    currency: str
    unit_amount: int
    full_amount: int
    is_member_price: bool

    @property
    def display(self) -> str:
        return format_money(self.unit_amount, self.currency)

    @property
    def full_display(self) -> str:
        return format_money(self.full_amount, self.currency)


def quote_for(*, item: CatalogueItem, user, currency: str | None = None) -> Quote | None:
    """The server-side price of ``item`` for ``user`` (member price for members), in
    ``currency`` (the default currency, else the item's first price). None: no price."""
    prices = list(item.prices.all())
    if not prices:
        return None
    wanted = currency or conf.default_currency()
    price: Price | None = next((p for p in prices if p.currency == wanted), None)
    if price is None:
        if currency:
            return None
        price = prices[0]
    member = price.member_amount is not None and is_member(user)
    return Quote(
        item=item,
        currency=price.currency,
        unit_amount=price.member_amount if member else price.amount,
        full_amount=price.amount,
        is_member_price=member,
    )


def item_for_course(*, course) -> CatalogueItem | None:
    return (
        CatalogueItem.objects.active_on()
        .filter(kind=Kind.COURSE_ENROLMENT, course=course)
        .prefetch_related("prices")
        .order_by("-id")
        .first()
    )


def course_prices(user, courses: list) -> dict:
    """The ``courses.pricing`` lookup: each sold course's price for ``user``.

    A course with a catalogue item is sold; its price is the newest item on sale today.
    Sold but with nothing on sale (or no price in any currency): not on sale, never free.
    Two queries, whatever the number of courses.
    """
    from courses.pricing import NOT_ON_SALE, CoursePrice

    items = (
        CatalogueItem.objects.filter(kind=Kind.COURSE_ENROLMENT, course__in=courses)
        .prefetch_related("prices")
        .order_by("-id")
    )
    today = timezone.localdate()
    answer: dict[int, CoursePrice] = {}
    for item in items:
        course_id = item.course_id
        if course_id in answer and answer[course_id].on_sale:
            continue
        quote = quote_for(item=item, user=user) if item.is_on_sale(today) else None
        if quote is None:
            answer.setdefault(course_id, NOT_ON_SALE)
            continue
        answer[course_id] = CoursePrice(
            amount=quote.unit_amount,
            currency=quote.currency,
            display=quote.display,
            is_member_price=quote.is_member_price,
            full_display=quote.full_display,
        )
    return answer


def item_for_quiz(*, quiz) -> CatalogueItem | None:
    return (
        CatalogueItem.objects.active_on()
        .filter(kind=Kind.EXAM_SITTING, quiz=quiz)
        .prefetch_related("prices")
        .order_by("-id")
        .first()
    )


def item_for_firm_fee(*, kind: str) -> CatalogueItem | None:
    """The firm fee of ``kind`` (application or renewal) on sale today; None for any other
    kind, or when none is on sale."""
    if kind not in FIRM_KINDS:
        return None
    return (
        CatalogueItem.objects.active_on()
        .filter(kind=kind)
        .prefetch_related("prices")
        .order_by("-id")
        .first()
    )


def firm_fee_items_on_sale() -> list[CatalogueItem]:
    """The firm fees on sale today, at most one of each kind, for a firm's page."""
    return [item for kind in FIRM_KINDS if (item := item_for_firm_fee(kind=kind)) is not None]


def _firm_fee_lines(
    *, firms: list[models.Model], kind: str | None, paid: bool
) -> QuerySet[OrderLine]:
    """The lines of the fees of ``kind`` (any firm fee when None) checked out for ``firms``
    (all of one model): granted on a paid order (newest payment first) when ``paid``, else
    waiting on a pending order (newest order first). Each line has its order and item at
    hand; its ``target_id`` is its firm's primary key as text."""
    if not firms:
        return OrderLine.objects.none()
    targets = [str(firm.pk) for firm in firms]
    lines = OrderLine.objects.filter(
        kind__in=[kind] if kind else FIRM_KINDS,
        target_type=firms[0]._meta.label_lower,
        **({"target_id": targets[0]} if len(targets) == 1 else {"target_id__in": targets}),
        state=LineState.GRANTED if paid else LineState.WAITING,
        order__status=OrderStatus.PAID if paid else OrderStatus.PENDING,
    ).select_related("order", "item")
    newest = "-order__paid_at" if paid else "-order__created_at"
    return lines.order_by(newest, "-pk")


def firm_fees_paid(
    *, firm: models.Model, kind: str | None = None, since: datetime.date | None = None
) -> QuerySet[OrderLine]:
    """The fees paid for ``firm`` (and not refunded), newest payment first; ``kind``
    narrows to one kind of fee, ``since`` to payments on or after that day. Each line has
    its order (number, ``paid_at``) at hand."""
    lines = _firm_fee_lines(firms=[firm], kind=kind, paid=True)
    if since is not None:
        lines = lines.filter(order__paid_at__date__gte=since)
    return lines


def firm_fees_waiting(*, firm: models.Model, kind: str | None = None) -> QuerySet[OrderLine]:
    """The fees ordered for ``firm`` (any model a firm fee was checked out for) and not paid
    yet: an invoice waiting for the transfer, a card payment not completed. Newest first."""
    return _firm_fee_lines(firms=[firm], kind=kind, paid=False)


def firms_fees_paid(*, firms: list[models.Model], kind: str) -> QuerySet[OrderLine]:
    """``firm_fees_paid`` of several firms (all of one model) at once, for a list page: the
    fees of ``kind`` paid for any of them, newest payment first; a line's ``target_id`` is
    its firm's primary key as text."""
    return _firm_fee_lines(firms=firms, kind=kind, paid=True)


def firms_fees_waiting(*, firms: list[models.Model], kind: str) -> QuerySet[OrderLine]:
    """``firm_fees_waiting`` of several firms (all of one model) at once, for a list page:
    the fees of ``kind`` ordered for any of them and not paid yet, newest first."""
    return _firm_fee_lines(firms=firms, kind=kind, paid=False)


def orders_of(*, user) -> QuerySet[Order]:
    return (
        Order.objects.filter(buyer=user)
        .select_related("invoice")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def unassigned_vouchers_of(*, user) -> QuerySet[SittingVoucher]:
    return SittingVoucher.objects.filter(
        owner=user,
        status=SittingVoucher.Status.UNASSIGNED,
        line__order__status=OrderStatus.PAID,
    ).select_related("quiz", "line__order")


def vouchers_of(*, user) -> QuerySet[SittingVoucher]:
    return SittingVoucher.objects.filter(
        owner=user, line__order__status__in=[OrderStatus.PAID, OrderStatus.REFUNDED]
    ).select_related("quiz", "line__order", "assigned_to")


def pending_sitting_orders(*, user) -> QuerySet[Order]:
    """The user's orders of exam sittings not paid yet (an invoice to pay, a card payment
    not confirmed): their sittings appear on the sittings page once paid."""
    return (
        Order.objects.filter(buyer=user, status=OrderStatus.PENDING, lines__kind=Kind.EXAM_SITTING)
        .distinct()
        .order_by("-created_at")
    )


def sitting_items_on_sale() -> QuerySet[CatalogueItem]:
    """Exam sittings on sale today, with their exams (what a firm admin may buy)."""
    return (
        CatalogueItem.objects.active_on()
        .filter(kind=Kind.EXAM_SITTING, quiz__isnull=False)
        .select_related("quiz")
        .order_by("name")
    )


def lines_for_refund(*, order: Order) -> list:
    """The order's lines, each with ``unused_units``: how many of its units not yet
    refunded a refund could still take back (for the staff refund form)."""
    from courses.payments.fulfilments import get_fulfilment

    lines = list(order.lines.all())
    for line in lines:
        line.unused_units = (
            get_fulfilment(line.kind).unused(line) if line.refundable_quantity else 0
        )
    return lines


def orders_for_report() -> QuerySet[Order]:
    return Order.objects.select_related("buyer", "invoice").prefetch_related("lines")


def sitting_offer(user, quiz):
    """The ``courses.quiz.extensions`` sitting offer: where to buy a sitting of ``quiz``."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from courses.payments.permissions import can_buy_for_firm
    from courses.quiz.extensions import SittingOffer

    item = item_for_quiz(quiz=quiz)
    if item is None:
        return None
    url = reverse("payments:buy_exam", kwargs={"slug": quiz.slug})
    quote = quote_for(item=item, user=user)
    label = (
        _("Buy a sitting (%(price)s)") % {"price": quote.display} if quote else _("Buy a sitting")
    )
    firm_url = f"{url}?for=firm" if user.is_authenticated and can_buy_for_firm(user) else ""
    return SittingOffer(url=url, label=label, firm_url=firm_url)
