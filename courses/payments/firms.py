"""The audit firms payments sells fees to, and the auditors a firm admin gives sittings to.

Payments sits in ``courses`` and must not import ``accreditation``, which knows the firms.
The accreditation app answers through two Wagtail hooks (``accreditation/wagtail_hooks.py``):

``payments_firms_for_admin``
    ``fn(user) -> Iterable[FirmRef]``: the firms ``user`` administers and may pay fees for.
    The answers of every registered function are joined.
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

FIRMS_FOR_ADMIN_HOOK = "payments_firms_for_admin"
SITTING_CANDIDATES_HOOK = "payments_sitting_candidates"


@dataclass(frozen=True)
class FirmRef:
    """A firm as payments sees it: a generic reference and a name to print."""

    target_type: str  # e.g. "accreditation.auditfirm"
    target_id: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.target_type}:{self.target_id}"


def firms_for_admin(user: Any) -> list[FirmRef]:
    """The firms ``user`` may pay fees for (none for a visitor who is not signed in)."""
    if not user.is_authenticated:
        return []
    return [firm for lookup in hooks.get_hooks(FIRMS_FOR_ADMIN_HOOK) for firm in lookup(user)]


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
