"""Public certificate verification: one URL (/verify/<code>/) for every kind of certificate.

Each app that issues certificates registers a lookup::

    from courses.verification import VerificationResult, register_verifier
    register_verifier(find_accreditation_certificate)

``lookup(code)`` returns a ``VerificationResult`` or ``None``. The page shows only what
the result holds: name, title, date, validity and the extra ``details`` rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

Lookup = Callable[[str], "VerificationResult | None"]


@dataclass(frozen=True)
class VerificationResult:
    kind: str  # e.g. "Certificate of completion", "Accreditation certificate"
    holder_name: str
    title: str
    issued_on: datetime.date
    valid: bool
    status_label: str
    details: list[tuple[str, str]] = field(default_factory=list)
    valid_until: datetime.date | None = None


_verifiers: list[Lookup] = []


def register_verifier(lookup: Lookup) -> None:
    """Adds a lookup (once; registering the same function again does nothing)."""
    if lookup not in _verifiers:
        _verifiers.append(lookup)


def unregister_verifier(lookup: Lookup) -> None:
    if lookup in _verifiers:
        _verifiers.remove(lookup)


def verify_code(code: str) -> VerificationResult | None:
    """The first registered lookup that knows this code answers."""
    for lookup in list(_verifiers):
        result = lookup(code)
        if result is not None:
            return result
    return None
