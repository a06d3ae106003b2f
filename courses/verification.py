"""Public certificate verification: one URL (/verify/<code>/) for every kind of certificate.

Courses answers for its own certificates of completion; apps above it answer for theirs
through one Wagtail hook:

``verify_certificate``
    ``fn(code: str) -> VerificationResult | None``, registered in the higher app's
    ``wagtail_hooks.py`` with ``@hooks.register("verify_certificate")`` (accreditation
    registers its accreditation certificates).

The page shows only what the result holds: name, title, date, validity and the extra
``details`` rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from wagtail import hooks

from courses.models import Certificate

VERIFY_CERTIFICATE_HOOK = "verify_certificate"


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


def find_course_certificate(code: str) -> VerificationResult | None:
    """A certificate of completion with this code, as the verification page shows it."""
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return None
    return VerificationResult(
        kind=_("Certificate of completion"),
        holder_name=certificate.holder_name,
        title=certificate.localized_course_title,
        issued_on=certificate.issued_on,
        valid=certificate.is_valid,
        status_label=_("Valid") if certificate.is_valid else _("Revoked"),
    )


def verify_code(code: str) -> VerificationResult | None:
    """A certificate of completion with this code, else the first app that knows it."""
    result = find_course_certificate(code)
    if result is not None:
        return result
    for lookup in hooks.get_hooks(VERIFY_CERTIFICATE_HOOK):
        result = lookup(code)
        if result is not None:
            return result
    return None
