"""Reads of the payments app: prices for a person, orders, vouchers, the staff report."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from courses.payments import conf
from courses.payments.models import (
    CatalogueItem,
    Kind,
    Order,
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


def item_for_quiz(*, quiz) -> CatalogueItem | None:
    return (
        CatalogueItem.objects.active_on()
        .filter(kind=Kind.EXAM_SITTING, quiz=quiz)
        .prefetch_related("prices")
        .order_by("-id")
        .first()
    )


def item_for_firm_fee(*, kind: str) -> CatalogueItem | None:
    return (
        CatalogueItem.objects.active_on()
        .filter(kind=kind)
        .prefetch_related("prices")
        .order_by("-id")
        .first()
    )


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


def orders_for_report() -> QuerySet[Order]:
    return Order.objects.select_related("buyer", "invoice").prefetch_related("lines")
