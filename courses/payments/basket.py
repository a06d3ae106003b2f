"""The basket: several catalogue items paid for in one order.

The basket lives in the session and holds only choices (which item, how many, for whom),
never a price: it is priced from the catalogue each time it is shown, and
``services.order_create`` checks every line again when the order is placed. A firm fee is
not put in the basket: it is paid for one firm, from that firm's page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from courses.payments import conf
from courses.payments.models import FIRM_KINDS, CatalogueItem, Kind, format_money
from courses.payments.selectors import Quote, quote_for
from lms.errors import ServiceError

SESSION_KEY = "payments_basket"


@dataclass(frozen=True)
class Entry:
    item_id: int
    quantity: int = 1
    for_firm_pool: bool = False

    @property
    def key(self) -> str:
        return f"{self.item_id}-{'firm' if self.for_firm_pool else 'me'}"


@dataclass(frozen=True)
class PricedLine:
    entry: Entry
    item: CatalogueItem
    quote: Quote

    @property
    def amount(self) -> int:
        return self.quote.unit_amount * self.entry.quantity

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.quote.currency)

    @property
    def quantity_editable(self) -> bool:
        return self.entry.for_firm_pool


@dataclass(frozen=True)
class PricedBasket:
    lines: list[PricedLine]
    currency: str
    currencies: list[str]  # every currency each item has a price in
    dropped: list[str]  # names of items no longer on sale (left out of the order)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def total_display(self) -> str:
        return format_money(self.total, self.currency)


class BasketError(ServiceError):
    """A choice the basket cannot hold; the message is safe to show."""


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= conf.max_quantity():
        raise BasketError(
            _("Choose a quantity between 1 and %(max)d.") % {"max": conf.max_quantity()}
        )


class Basket:
    def __init__(self, session):
        self.session = session

    def entries(self) -> list[Entry]:
        raw = self.session.get(SESSION_KEY) or []
        entries = []
        for row in raw:
            try:
                entries.append(
                    Entry(
                        item_id=int(row["item"]),
                        quantity=int(row.get("quantity", 1)),
                        for_firm_pool=bool(row.get("firm")),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue  # a damaged row is dropped rather than breaking the page
        return entries

    def _save(self, entries: list[Entry]) -> None:
        self.session[SESSION_KEY] = [
            {"item": e.item_id, "quantity": e.quantity, "firm": e.for_firm_pool} for e in entries
        ]

    def add(self, *, item: CatalogueItem, quantity: int = 1, for_firm_pool: bool = False) -> bool:
        """Adds the item (sittings for a firm add up); False if it was already there."""
        if item.kind in FIRM_KINDS:
            raise BasketError(_("A firm fee is paid from the page of the firm it is for."))
        if item.kind != Kind.EXAM_SITTING and for_firm_pool:
            raise BasketError(_("Only exam sittings are bought for a firm's auditors."))
        if not for_firm_pool:
            quantity = 1
        _check_quantity(quantity)
        entries = self.entries()
        new = Entry(item_id=item.pk, quantity=quantity, for_firm_pool=for_firm_pool)
        for index, entry in enumerate(entries):
            if entry.key == new.key:
                if not for_firm_pool:
                    return False
                total = min(entry.quantity + quantity, conf.max_quantity())
                entries[index] = Entry(item.pk, total, True)
                self._save(entries)
                return True
        entries.append(new)
        self._save(entries)
        return True

    def set_quantity(self, key: str, quantity: int) -> None:
        _check_quantity(quantity)
        self._save(
            [
                Entry(e.item_id, quantity, True) if e.key == key and e.for_firm_pool else e
                for e in self.entries()
            ]
        )

    def remove(self, key: str) -> None:
        self._save([e for e in self.entries() if e.key != key])

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)

    def priced(self, *, user, currency: str | None = None) -> PricedBasket:
        """The basket priced for ``user`` in ``currency`` (default: the site's currency if
        every item has it, else the first currency they all share)."""
        entries = self.entries()
        items = {
            item.pk: item
            for item in CatalogueItem.objects.filter(pk__in=[e.item_id for e in entries])
            .select_related("course", "quiz")
            .prefetch_related("prices")
        }
        kept, dropped = [], []
        for entry in entries:
            item = items.get(entry.item_id)
            if item is None or not item.is_on_sale():
                if item is not None:
                    dropped.append(item.name)
                continue
            kept.append((entry, item))
        shared: list[str] | None = None
        for _entry, item in kept:
            mine = [p.currency for p in item.prices.all()]
            shared = mine if shared is None else [c for c in shared if c in mine]
        shared = shared or []
        if currency not in shared:
            default = conf.default_currency()
            currency = default if default in shared or not shared else shared[0]
        lines = []
        for entry, item in kept:
            quote = quote_for(item=item, user=user, currency=currency)
            if quote is not None:
                lines.append(PricedLine(entry=entry, item=item, quote=quote))
        return PricedBasket(lines=lines, currency=currency, currencies=shared, dropped=dropped)
