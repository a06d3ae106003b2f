"""What a course costs a person: asked of the payments catalogue, the one place prices live.

The courses app does not import payments (payments sits above it), so prices come through
one Wagtail hook:

``course_prices``
    ``fn(user, courses: list[Course]) -> dict[int, CoursePrice]``, registered by payments
    (``courses/payments/wagtail_hooks.py``) with ``@hooks.register("course_prices")``.
    It answers ``{course.pk: CoursePrice}`` for the courses that are sold, in a constant
    number of queries. When several functions are registered, the first (lowest ``order``)
    to price a course wins.

A course left out of every answer is not sold at all, so it is free. A course that is
sold but has no price on sale today is *not* free: it cannot be enrolled on or bought
until staff put it on sale again (switching a price off never gives a course away).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wagtail import hooks

COURSE_PRICES_HOOK = "course_prices"


@dataclass(frozen=True)
class CoursePrice:
    amount: int  # what this person pays, in minor units (cents)
    currency: str
    display: str  # "EUR 90.00"
    is_member_price: bool = False
    on_sale: bool = True
    full_display: str = ""  # the non-member price, when a member price applies

    @property
    def is_free(self) -> bool:
        return self.on_sale and self.amount == 0


NOT_ON_SALE = CoursePrice(amount=0, currency="", display="", on_sale=False)


def course_prices_for(*, user, courses: Iterable[Any]) -> dict[int, CoursePrice]:
    """Prices of the sold courses among ``courses`` for ``user`` (a constant number of
    queries, whatever the number of courses)."""
    courses = list(courses)
    prices: dict[int, CoursePrice] = {}
    if not courses:
        return prices
    for lookup in hooks.get_hooks(COURSE_PRICES_HOOK):
        for course_pk, price in lookup(user, courses).items():
            prices.setdefault(course_pk, price)
    return prices


def course_price_for(*, user, course) -> CoursePrice | None:
    """This person's price of the course; None when the course is not sold (free)."""
    return course_prices_for(user=user, courses=[course]).get(course.pk)
