"""How a paid order line turns into access, and back: one fulfilment per kind of thing sold.

Payments sits in ``courses`` and must not import ``accreditation``; apps above it (the
accreditation app for firm fees) register their own fulfilment, or a firm directory, from
their ``AppConfig.ready()``. The last registration for a kind wins.

``grant(line)`` runs inside the transaction that marks the order paid: if it raises, the
payment is not recorded and Stripe retries the webhook. ``unused(line)`` says how many
of the line's units could still be taken back (an unused sitting, a course not started);
``revoke(line, units, reason)`` takes back at most ``units`` of them and returns how many
it took. A refunded unit that could not be taken back was used: it is refunded without
revoking, and staff are told so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from courses.payments.models import OrderLine


class FulfilmentNotRegistered(LookupError):
    pass


@dataclass(frozen=True)
class Fulfilment:
    kind: str
    grant: Callable[[OrderLine], None]
    revoke: Callable[[OrderLine, int, str], int]
    unused: Callable[[OrderLine], int]


_fulfilments: dict[str, Fulfilment] = {}


def register_fulfilment(
    kind: str,
    grant: Callable[[OrderLine], None],
    revoke: Callable[[OrderLine, int, str], int],
    unused: Callable[[OrderLine], int],
) -> None:
    """Adds (or replaces) the fulfilment of one kind of thing sold."""
    _fulfilments[kind] = Fulfilment(kind=kind, grant=grant, revoke=revoke, unused=unused)


def get_fulfilment(kind: str) -> Fulfilment:
    try:
        return _fulfilments[kind]
    except KeyError as exc:
        raise FulfilmentNotRegistered(kind) from exc


# --- The firm directory (filled in by the accreditation app) ---------------------------


@dataclass(frozen=True)
class FirmRef:
    """A firm as payments sees it: a generic reference and a name to print."""

    target_type: str  # e.g. "accreditation.auditfirm"
    target_id: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.target_type}:{self.target_id}"


@dataclass
class _FirmDirectory:
    firms_for_admin: Callable[[Any], Iterable[FirmRef]] | None = None
    may_assign_sitting: Callable[[Any, Any], bool] | None = None
    sitting_candidates: Callable[[Any], QuerySet] | None = None


_firm_directory = _FirmDirectory()


def register_firm_directory(
    *,
    firms_for_admin: Callable[[Any], Iterable[FirmRef]],
    may_assign_sitting: Callable[[Any, Any], bool] | None = None,
    sitting_candidates: Callable[[Any], QuerySet] | None = None,
) -> None:
    """``firms_for_admin(user)`` lists the firms a firm admin may pay fees for;
    ``may_assign_sitting(admin, person)`` says whether a firm admin may give one of their
    paid exam sittings to that person (e.g. one of the firm's own auditors);
    ``sitting_candidates(admin)`` is the queryset of users the admin picks from on the
    sittings page (the same people ``may_assign_sitting`` accepts, and nobody else)."""
    _firm_directory.firms_for_admin = firms_for_admin
    _firm_directory.may_assign_sitting = may_assign_sitting
    _firm_directory.sitting_candidates = sitting_candidates


def firms_for_admin(user: Any) -> list[FirmRef]:
    if _firm_directory.firms_for_admin is None:
        return []
    return list(_firm_directory.firms_for_admin(user))


def may_assign_sitting_hook() -> Callable[[Any, Any], bool] | None:
    return _firm_directory.may_assign_sitting


def sitting_candidates(admin: Any) -> QuerySet:
    """The people ``admin`` may give a paid sitting to, for a pick list: nobody when no
    app has said who a firm's auditors are (a firm admin never browses the user table)."""
    from django.contrib.auth import get_user_model

    if _firm_directory.sitting_candidates is None or not admin.is_authenticated:
        return get_user_model().objects.none()
    return _firm_directory.sitting_candidates(admin)
