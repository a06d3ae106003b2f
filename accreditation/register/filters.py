"""The register's shared filter parameters: ``standard``, ``sector``, ``country``, ``firm``, ``q``.

The HTML page, the CSV export and the JSON API all parse their query string here, so the
three always mean the same thing by the same parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django_countries import countries

from accreditation.models import AuditFirm, Sector, Standard

PARAMETERS = ("standard", "sector", "country", "firm", "q")
MAX_QUERY_LENGTH = 100
MAX_VALUE_LENGTH = 100  # codes and slugs are far shorter; anything longer is refused unread


class FirmChoice(NamedTuple):
    """A firm as the filters know it: what the form offers and a filter matches on. Plain
    values rather than ``AuditFirm`` objects: a register page reads every firm (170 in the
    benchmark's register) and building model instances of them was a fifth of an uncached
    page's time."""

    pk: int
    name: str
    slug: str
    country: str


@dataclass
class Reference:
    """The reference data the filters are checked against (and the form offers as choices)."""

    standards: list[Standard]
    sectors: list[Sector]
    firms: list[FirmChoice]

    @property
    def standards_by_code(self) -> dict[str, Standard]:
        return {standard.code.lower(): standard for standard in self.standards}

    @property
    def firms_by_slug(self) -> dict[str, FirmChoice]:
        return {firm.slug: firm for firm in self.firms}


def load_reference() -> Reference:
    """Standards, sectors and firms in three queries, whatever the size of the register."""
    return Reference(
        standards=list(Standard.objects.order_by("code")),
        sectors=list(Sector.objects.select_related("standard").order_by("standard__code", "name")),
        firms=[
            FirmChoice(*row)
            for row in AuditFirm.objects.order_by("name").values_list(
                "pk", "name", "slug", "country"
            )
        ],
    )


@dataclass(frozen=True)
class RegisterFilter:
    """A validated filter. Empty values mean "any"."""

    standard: Standard | None = None
    sector: str = ""  # a sector slug; with a standard, a slug of that standard's vocabulary
    country: str = ""  # ISO 3166-1 alpha-2, upper case
    firm: FirmChoice | None = None
    # Part of a name: for auditors, the auditor's or a firm's they work for; for firms, theirs.
    q: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.standard or self.sector or self.country or self.firm or self.q)

    def as_params(self) -> dict[str, str]:
        params = {
            "standard": self.standard.code if self.standard else "",
            "sector": self.sector,
            "country": self.country,
            "firm": self.firm.slug if self.firm else "",
            "q": self.q,
        }
        return {key: value for key, value in params.items() if value}

    def query_string(self) -> str:
        """The filter as a query string (without ``page``), for links and the CSV export."""
        return urlencode(self.as_params())


@dataclass
class FilterErrors(Exception):
    """Unknown codes in the filter. ``errors`` maps each bad parameter to a message."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{param}: {message}" for param, message in self.errors.items())


def parse_filters(params: Mapping[str, str], reference: Reference | None = None) -> RegisterFilter:
    """Checks the shared filter parameters and returns a filter, or raises ``FilterErrors``.

    Standard codes are ``PS`` / ``CoC`` (any case), sectors are slugs (of the given standard's
    vocabulary when a standard is given), countries ISO 3166-1 alpha-2 codes and firms slugs.
    A value with a NUL character, or longer than ``MAX_VALUE_LENGTH`` (``q``:
    ``MAX_QUERY_LENGTH``), is an error as well.
    """
    reference = reference or load_reference()
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

    standard = None
    standard_code = value("standard")
    if standard_code:
        standard = reference.standards_by_code.get(standard_code.lower())
        if standard is None:
            errors["standard"] = _("unknown standard '%(code)s'") % {"code": standard_code}

    sector = value("sector")
    if sector:
        vocabulary = {
            s.slug for s in reference.sectors if standard is None or s.standard_id == standard.pk
        }
        if sector not in vocabulary:
            if standard is not None:
                errors["sector"] = _("unknown sector '%(slug)s' for standard %(code)s") % {
                    "slug": sector,
                    "code": standard.code,
                }
            else:
                errors["sector"] = _("unknown sector '%(slug)s'") % {"slug": sector}

    country = value("country").upper()
    if country and country not in countries:
        errors["country"] = _("unknown country code '%(code)s'") % {"code": value("country")}

    firm = None
    firm_slug = value("firm")
    if firm_slug:
        firm = reference.firms_by_slug.get(firm_slug)
        if firm is None:
            errors["firm"] = _("unknown firm '%(slug)s'") % {"slug": firm_slug}

    q = value("q")

    if errors:
        raise FilterErrors(errors)
    return RegisterFilter(standard=standard, sector=sector, country=country, firm=firm, q=q)
