"""Reads about the code of conduct: what an auditor still has to accept (the prompt on the
dashboard, the pathway and the profile), an auditor's acceptances, and who has or has not
accepted a version (the staff list). The rule itself is the eligibility engine's
(``selectors.eligibility.conduct_problems_on``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accreditation.models import AuditorProfile, CodeOfConductAcceptance, CodeOfConductVersion

ACCEPTED = "accepted"
NOT_ACCEPTED = "not_accepted"
ALL = "all"


@dataclass
class ConductPrompt:
    """A version the auditor has yet to accept: in force already (they are not eligible
    until they accept it) or published to come into force on ``version.in_force_from``."""

    version: CodeOfConductVersion
    in_force: bool


def conduct_in_force(on: datetime.date | None = None) -> CodeOfConductVersion | None:
    """The version in force on ``on`` (today), or None while no version exists."""
    return CodeOfConductVersion.objects.in_force_on(on or timezone.localdate())


def conduct_to_accept(
    *, auditor: AuditorProfile | None, on: datetime.date | None = None
) -> ConductPrompt | None:
    """The version ``auditor`` should accept now: the one in force if not accepted, else
    the next one published if not accepted; None when nothing is to be accepted (or for a
    person without an auditor profile: they accept when they apply)."""
    if auditor is None or auditor.pk is None:
        return None
    on = on or timezone.localdate()
    accepted = CodeOfConductAcceptance.objects.filter(auditor=auditor, version=OuterRef("pk"))
    candidates = [CodeOfConductVersion.objects.in_force_on(on)]
    candidates += list(CodeOfConductVersion.objects.upcoming(on)[:1])
    ids = [version.pk for version in candidates if version is not None]
    not_accepted = set(
        CodeOfConductVersion.objects.filter(pk__in=ids)
        .exclude(Exists(accepted))
        .values_list("pk", flat=True)
    )
    for version in candidates:
        if version is not None and version.pk in not_accepted:
            return ConductPrompt(version=version, in_force=version.in_force_from <= on)
    return None


def conduct_acceptances_of(auditor: AuditorProfile) -> QuerySet[CodeOfConductAcceptance]:
    """The auditor's acceptances, newest first."""
    return auditor.conduct_acceptances.select_related("version").order_by("-accepted_at", "-pk")


def conduct_acceptance_list(
    *, version: CodeOfConductVersion, status: str = NOT_ACCEPTED, query: str = ""
) -> QuerySet[AuditorProfile]:
    """Auditor profiles with, as ``accepted_at``, when they accepted ``version`` (None: not
    accepted); ``status`` keeps those who have (``ACCEPTED``), have not (``NOT_ACCEPTED``) or
    all (``ALL``); ``query`` matches a name or e-mail."""
    acceptance = CodeOfConductAcceptance.objects.filter(auditor=OuterRef("pk"), version=version)
    profiles = AuditorProfile.objects.select_related("user").annotate(
        accepted_at=Subquery(acceptance.values("accepted_at")[:1]),
    )
    if status == ACCEPTED:
        profiles = profiles.filter(accepted_at__isnull=False)
    elif status == NOT_ACCEPTED:
        profiles = profiles.filter(accepted_at__isnull=True)
    if query:
        profiles = profiles.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    return profiles.order_by("user__full_name", "user__email", "pk")
