"""Small date helpers and the reference data (standards, sectors, the version in force)
of the eligibility engine (``accreditation.selectors.eligibility``, which re-exports them)."""

from __future__ import annotations

import calendar
import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_countries import countries

from accreditation.models import Sector, Standard, StandardVersion

# --- small date helpers ---------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from ``earlier`` to ``later``."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def _as_date(value) -> datetime.date | None:
    if value is None or value is False:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def _country_name(code: str) -> str:
    return str(countries.name(code) or code)


def element_label(*, sector: Sector, country: str) -> str:
    """A scope element in words, as decisions, e-mails and forms show it: "Casthouse — China"."""
    return f"{sector.name} — {_country_name(country)}"


# --- reference data -------------------------------------------------------------------


def resolve_standard(standard: Standard | str) -> Standard | None:
    if isinstance(standard, Standard):
        return standard
    return Standard.objects.filter(code__iexact=standard).first()


def resolve_sector(standard: Standard, sector: Sector | str) -> Sector | None:
    if isinstance(sector, Sector):
        return sector
    return Sector.objects.filter(standard=standard, slug=sector).first()


def version_in_force(standard: Standard, on: datetime.date) -> StandardVersion | None:
    """The version of ``standard`` in force on ``on`` (the latest that has started)."""
    return (
        StandardVersion.objects.filter(standard=standard, effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("-effective_from")
        .first()
    )


def current_versions() -> QuerySet[StandardVersion]:
    """The versions in force today, one per standard (those auditors may apply for)."""
    today = timezone.localdate()
    ids = [
        version.pk
        for standard in Standard.objects.all()
        if (version := version_in_force(standard, today)) is not None
    ]
    return StandardVersion.objects.filter(pk__in=ids).select_related("standard")
