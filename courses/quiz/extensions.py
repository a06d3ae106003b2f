"""How apps above the quiz engine take part in it without the engine importing them.

Two kinds of hook, registered from an ``AppConfig.ready()``:

* a **start gate** ``gate(user, quiz) -> str | None`` returns why this person may not
  start the quiz (plain words), or None. Courses registers one: a quiz that is a lesson
  of a course is for the people enrolled on that course. ``attempt_start`` asks every
  gate and refuses with the first reason; the quiz page shows the reasons.
* a **sitting offer** ``offer(user, quiz) -> SittingOffer | None`` tells the quiz page
  where a paid sitting of an exam can be bought. Payments registers one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

StartGate = Callable[[Any, Any], "str | None"]


@dataclass(frozen=True)
class SittingOffer:
    url: str
    label: str  # e.g. "Buy a sitting (EUR 150.00)"
    firm_url: str = ""  # where a firm admin buys sittings for their auditors, if they are one


SittingOfferLookup = Callable[[Any, Any], "SittingOffer | None"]

_gates: dict[str, StartGate] = {}
_offer: SittingOfferLookup | None = None


def register_start_gate(key: str, gate: StartGate | None) -> None:
    """Adds (or, with None, removes) the gate known by ``key``."""
    if gate is None:
        _gates.pop(key, None)
    else:
        _gates[key] = gate


def start_refusals(*, user, quiz) -> list[str]:
    """Every reason a gate gives for refusing this start (empty: no gate objects)."""
    reasons = []
    for key in sorted(_gates):
        reason = _gates[key](user, quiz)
        if reason:
            reasons.append(str(reason))
    return reasons


def register_sitting_offer(lookup: SittingOfferLookup | None) -> None:
    global _offer
    _offer = lookup


def sitting_offer(*, user, quiz) -> SittingOffer | None:
    if _offer is None or not getattr(quiz, "sitting_fee_required", False):
        return None
    return _offer(user, quiz)
