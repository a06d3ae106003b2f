"""Which versions of the notices are in force, and which ones a person still has to accept.

The version of a kind in force on a date is the one with the latest ``effective_on`` on
or before that date (the later-created one when two share a date). A person has to accept
every version in force that they have no consent for; a person who accepted an older
version, or none, is asked again once a new version comes into force.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lms.privacy.models import Consent, PolicyKind, PolicyVersion

# Where the notices live: pages under the home page with these slugs (``seed_demo`` makes
# them; the footer links them; the consent check never stands in front of them).
NOTICE_PATHS = {
    "terms": "/terms/",
    "privacy": "/privacy/",
    "cookies": "/cookies/",
    "accessibility": "/accessibility/",
}


def versions_in_force(on: datetime.date | None = None) -> list[PolicyVersion]:
    """One version per kind (terms first, then privacy), those in force on ``on``."""
    on = on or timezone.localdate()
    found: dict[str, PolicyVersion] = {}
    for version in PolicyVersion.objects.effective_on(on).select_related("page"):
        found.setdefault(version.kind, version)  # ordered newest first within a kind
    return [found[kind] for kind in PolicyKind.values if kind in found]


def versions_to_accept(user, on: datetime.date | None = None) -> list[PolicyVersion]:
    """The versions in force that ``user`` has not accepted (empty for anonymous users)."""
    if user is None or not user.is_authenticated:
        return []
    in_force = versions_in_force(on)
    if not in_force:
        return []
    accepted = set(
        Consent.objects.filter(user=user, version__in=in_force).values_list("version_id", flat=True)
    )
    return [version for version in in_force if version.pk not in accepted]


def consents_of(user) -> list[Consent]:
    """What ``user`` accepted, newest first."""
    return list(Consent.objects.filter(user=user).select_related("version"))


def notice_url(version: PolicyVersion | None, kind: str) -> str:
    """Where to read a notice: its version's page, else the usual address."""
    if version is not None and version.page_id:
        url = version.page.get_url()
        if url:
            return url
    return NOTICE_PATHS[kind]
