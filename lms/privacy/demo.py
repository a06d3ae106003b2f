"""Demo: version 1 of the terms of use and of the privacy notice, on the pages cms's demo
makes, accepted by the demo accounts (so that they browse without being asked first).
Idempotent: nothing is added when a version of that kind exists, or a consent."""

from __future__ import annotations

from django.utils import timezone

from lms.demo import DEMO_ACCOUNTS
from lms.models import User
from lms.privacy import services
from lms.privacy.models import ConsentSource, PolicyKind, PolicyVersion
from lms.privacy.selectors import versions_in_force


def seed(*, terms_page, privacy_page, stdout=None) -> None:
    for kind, page in ((PolicyKind.TERMS, terms_page), (PolicyKind.PRIVACY, privacy_page)):
        if PolicyVersion.objects.filter(kind=kind).exists():
            continue
        services.policy_version_create(
            actor=None,
            kind=kind,
            label="1.0",
            effective_on=timezone.localdate(),
            page=page,
            summary="First version.",
        )
        if stdout:
            stdout.write(f"  {kind} version 1.0")
    versions = versions_in_force()
    emails = [email for email, *_ in DEMO_ACCOUNTS]
    for user in User.objects.filter(email__in=emails).order_by("pk"):
        services.record_acceptance(user=user, versions=versions, source=ConsentSource.SIGNUP)
