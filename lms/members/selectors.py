"""Reads about member organisations and their people. None of them writes."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lms.models import Invitation, Organisation, User, hash_invitation_token

LAPSING_WINDOW_DAYS = 90


def people_of(*, organisation: Organisation, query: str = "", role: str = "") -> QuerySet[User]:
    """The people linked to ``organisation``, by name, optionally searched (name or
    e-mail) and filtered by role."""
    people = organisation.people.order_by("full_name", "email")
    query = " ".join((query or "").split())
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if role:
        people = people.filter(organisation_role=role)
    return people


def people_in(*, organisations: QuerySet[Organisation], query: str = "") -> QuerySet[User]:
    """The people linked to any of ``organisations``, by organisation then name."""
    people = User.objects.filter(organisation__in=organisations).select_related("organisation")
    query = " ".join((query or "").split())
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return people.order_by("organisation__name", "full_name", "email")


def pending_invitations(
    *, organisation: Organisation, now: datetime.datetime | None = None
) -> QuerySet[Invitation]:
    """Invitations of ``organisation`` whose link still works, newest first."""
    return (
        Invitation.objects.pending(now)
        .filter(organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token`` (in any state), or None."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


def account_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def lapsing_memberships(
    *, today: datetime.date | None = None, days: int = LAPSING_WINDOW_DAYS
) -> QuerySet[Organisation]:
    """Active organisations whose membership lapses from today to ``days`` days ahead,
    soonest first, with the number of their people."""
    today = today or timezone.localdate()
    return (
        Organisation.objects.lapsing_between(today, today + datetime.timedelta(days=days))
        .annotate(people_count=Count("people"))
        .order_by("membership_active_until", "name")
    )
