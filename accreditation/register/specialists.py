"""The register's Registered Specialists: their filter, list, page and CSV export.

Specialists are not auditors: nothing here reads accreditations, scope or the eligibility
engine, and nothing in the auditor register reads specialists. The HTML tab, its CSV export
and ``/api/v1/specialists`` all parse their query string with ``parse_specialist_filters``
and read through ``listed_specialists``, so the three mean the same by the same parameters:

``expertise`` (an area code), ``language`` (a language code), ``country`` (ISO 3166-1
alpha-2), ``standard`` (PS / CoC, any case), ``q`` (part of the name or organisation).

Who is shown: ``RegisteredSpecialist.objects.listed(today)`` (status listed, within the
listing dates, consent to publication recorded). Anyone else is a 404 on their page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from accreditation.models import RegisteredSpecialist, Standard
from accreditation.models.specialists import LANGUAGES, Expertise

from .filters import MAX_QUERY_LENGTH, MAX_VALUE_LENGTH, FilterErrors

PARAMETERS = ("expertise", "language", "country", "standard", "q")
PAGE_SIZE = 25
EXPERTISE_CODES = {code for code, _label in Expertise.choices}
EXPERTISE_CODES_SORTED = [code for code, _label in Expertise.choices]
LANGUAGE_CODES = {code for code, _label in LANGUAGES}


@dataclass(frozen=True)
class SpecialistFilter:
    """A validated filter of the specialists' tab. Empty values mean "any"."""

    expertise: str = ""
    language: str = ""
    country: str = ""
    standard: Standard | None = None
    q: str = ""

    def as_params(self) -> dict[str, str]:
        params = {
            "expertise": self.expertise,
            "language": self.language,
            "country": self.country,
            "standard": self.standard.code if self.standard else "",
            "q": self.q,
        }
        return {key: value for key, value in params.items() if value}

    def query_string(self) -> str:
        """The filter as a query string (without ``page``), for links and the CSV export."""
        return urlencode(self.as_params())


def parse_specialist_filters(params: Mapping[str, str]) -> SpecialistFilter:
    """Checks the parameters and returns a filter, or raises ``FilterErrors`` (one message
    per bad parameter). Codes are checked against the fixed lists; a value with a NUL
    character or longer than the register's limits is refused unread. One query (the
    standard), only when a standard is given."""
    errors: dict[str, str] = {}

    def value(name: str) -> str:
        raw = params.get(name) or ""
        if not isinstance(raw, str):
            return ""
        if "\x00" in raw:  # PostgreSQL refuses NUL in text: never let it reach a query
            errors[name] = _("contains a NUL character")
            return ""
        raw = raw.strip()
        limit = MAX_QUERY_LENGTH if name == "q" else MAX_VALUE_LENGTH
        if len(raw) > limit:
            errors[name] = _("at most %(n)d characters") % {"n": limit}
            return ""
        return raw

    expertise = value("expertise").lower()
    if expertise and expertise not in EXPERTISE_CODES:
        errors["expertise"] = _("unknown area of expertise '%(code)s'") % {"code": expertise}

    language = value("language").lower()
    if language and language not in LANGUAGE_CODES:
        errors["language"] = _("unknown language code '%(code)s'") % {"code": language}

    country = value("country").upper()
    if country and country not in countries:
        errors["country"] = _("unknown country code '%(code)s'") % {"code": value("country")}

    standard = None
    standard_code = value("standard")
    if standard_code:
        standard = Standard.objects.filter(code__iexact=standard_code).first()
        if standard is None:
            errors["standard"] = _("unknown standard '%(code)s'") % {"code": standard_code}

    q = value("q")
    if errors:
        raise FilterErrors(errors)
    return SpecialistFilter(
        expertise=expertise, language=language, country=country, standard=standard, q=q
    )


def listed_specialists(f: SpecialistFilter, on: datetime.date) -> QuerySet[RegisteredSpecialist]:
    """Specialists public on ``on`` matching the filter, by name (one query; the page's
    standards come with ``prefetch_related`` in one more)."""
    specialists = RegisteredSpecialist.objects.listed(on)
    if f.expertise:
        specialists = specialists.with_expertise(f.expertise)
    if f.language:
        specialists = specialists.speaking(f.language)
    if f.country:
        specialists = specialists.filter(country=f.country)
    if f.standard is not None:
        specialists = specialists.filter(standards=f.standard)
    if f.q:
        specialists = specialists.filter(
            Q(full_name__icontains=f.q)
            | Q(organisation__icontains=f.q)
            | Q(organisation="", firm__name__icontains=f.q)
        )
    return (
        specialists.select_related("firm").prefetch_related("standards").order_by("full_name", "pk")
    )


def specialist_page(f: SpecialistFilter, number: int | str | None, on: datetime.date) -> Page:
    """One page (25) of the list; an invalid or out-of-range number gives the nearest page."""
    return Paginator(listed_specialists(f, on), PAGE_SIZE).get_page(number)


def listed_specialist(pk: int, on: datetime.date) -> RegisteredSpecialist | None:
    """A specialist for their public page, or None when they are not public today."""
    return (
        RegisteredSpecialist.objects.listed(on)
        .filter(pk=pk)
        .select_related("firm")
        .prefetch_related("standards")
        .first()
    )


CSV_COLUMNS = (
    "name",
    "organisation",
    "country",
    "expertise",
    "languages",
    "standards",
    "description",
    "contact_email",
    "listed_from",
    "listed_until",
)


def csv_rows(f: SpecialistFilter, on: datetime.date) -> Iterator[tuple]:
    """One row per listed specialist matching the filter; codes separated by ``;``."""
    for specialist in listed_specialists(f, on).iterator(chunk_size=500):
        yield (
            specialist.full_name,
            specialist.organisation_name,
            specialist.country.code,
            ";".join(specialist.expertise),
            ";".join(specialist.languages),
            ";".join(standard.code for standard in specialist.standards.all()),
            specialist.description,
            specialist.public_email,
            specialist.listed_from.isoformat(),
            specialist.listed_until.isoformat() if specialist.listed_until else "",
        )
