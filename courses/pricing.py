"""What a course costs a person: asked of the payments catalogue, the one place prices live.

The courses app does not import payments (payments sits above it). Payments registers the
lookup from its ``AppConfig.ready()``::

    from courses.pricing import register_price_lookup
    register_price_lookup(course_prices)

``lookup(user, courses)`` returns ``{course.pk: CoursePrice}`` for the courses that are
sold; a course left out of the answer is not sold at all, so it is free. A course that is
sold but has no price on sale today is *not* free: it cannot be enrolled on or bought
until staff put it on sale again (switching a price off never gives a course away).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


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

PriceLookup = Callable[[Any, list[Any]], "dict[int, CoursePrice]"]

_lookup: PriceLookup | None = None


def register_price_lookup(lookup: PriceLookup | None) -> None:
    """Sets (or, with None, removes) the lookup that prices courses."""
    global _lookup
    _lookup = lookup


def course_prices_for(*, user, courses: Iterable[Any]) -> dict[int, CoursePrice]:
    """Prices of the sold courses among ``courses`` for ``user`` (a constant number of
    queries, whatever the number of courses)."""
    courses = list(courses)
    if _lookup is None or not courses:
        return {}
    return _lookup(user, courses)


def course_price_for(*, user, course) -> CoursePrice | None:
    """This person's price of the course; None when the course is not sold (free)."""
    return course_prices_for(user=user, courses=[course]).get(course.pk)
