"""What payments asks of the app that knows the audit firms, through two Wagtail hooks.

Payments sits in ``courses`` and must not import ``accreditation``, which knows the firms
and who runs them. Accreditation sells a firm fee itself: its firm page checks that the
person administers the firm and calls ``services.firm_fee_checkout`` with the firm. What
payments still needs to ask is registered in ``accreditation/wagtail_hooks.py``:

``payments_firm_fee_pages``
    ``fn(user, kind) -> Iterable[tuple[str, str]]``: for each firm ``user`` may pay a fee
    of ``kind`` for, the firm's name and the address of the page where they pay it.
    Payments' own buy page of a firm fee sends the person there.
``payments_sitting_candidates``
    ``fn(admin) -> QuerySet[User]``: the people ``admin`` may give one of their paid exam
    sittings to (the firm's own auditors), for the sittings page's pick list. A person is
    accepted only if every registered function lists them; with no function registered,
    nobody is listed and the assignment is not restricted by firm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from wagtail import hooks

FIRM_FEE_PAGES_HOOK = "payments_firm_fee_pages"
SITTING_CANDIDATES_HOOK = "payments_sitting_candidates"


@dataclass(frozen=True)
class FirmFeePage:
    """Where a firm's fee is paid: the firm's name and the page's address."""

    firm_name: str
    url: str


def firm_fee_pages(user: Any, *, kind: str) -> list[FirmFeePage]:
    """The pages where ``user`` pays a fee of ``kind``, one per firm they may pay it for
    (none for a visitor who is not signed in)."""
    if not user.is_authenticated:
        return []
    return [
        FirmFeePage(firm_name=name, url=url)
        for lookup in hooks.get_hooks(FIRM_FEE_PAGES_HOOK)
        for name, url in lookup(user, kind)
    ]


def administered_firm_names(user: Any) -> list[str]:
    """The names of the firms ``user`` runs (those whose fees they may pay), for pages
    that say whom a firm admin acts for."""
    from courses.payments.models import FIRM_KINDS

    kind = next(iter(FIRM_KINDS))
    return sorted({page.firm_name for page in firm_fee_pages(user, kind=kind)})


def sitting_candidates(admin: Any) -> QuerySet:
    """The people ``admin`` may give a paid sitting to, for a pick list: nobody when no
    app has said who a firm's auditors are (a firm admin never browses the user table)."""
    candidates = get_user_model().objects.none()
    lookups = hooks.get_hooks(SITTING_CANDIDATES_HOOK)
    if not lookups or not admin.is_authenticated:
        return candidates
    candidates = lookups[0](admin)
    for lookup in lookups[1:]:
        candidates = candidates.filter(pk__in=lookup(admin).values("pk"))
    return candidates


def may_assign_sitting(admin: Any, person: Any) -> bool:
    """Whether ``admin`` may give one of their paid sittings to ``person``."""
    if not hooks.get_hooks(SITTING_CANDIDATES_HOOK):
        return True
    return sitting_candidates(admin).filter(pk=person.pk).exists()
