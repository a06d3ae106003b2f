"""Reads behind the public register: who is listed today, with which scope.

What the register shows (the same for the HTML pages, the CSV export and the API):

* A scope element is *on the register* on a date when the eligibility engine's accreditation
  rules hold for it on that date, training requirements aside (see ``elements_on_register``):
  within its dates with status ``active``, the auditor with the firm (a confirmed
  affiliation covering the date), the firm
  accredited and not suspended or withdrawn, the firm's own scope covering it. Suspended,
  withdrawn, reduced or expired elements are not shown as accredited (a suspended auditor is
  gone from the register); the verification page and the certificate show their true status.
* An auditor is listed when they consent (``listed_consent``) and have at least one element on
  the register. A filter selects scope elements: an auditor is listed when at least one of
  their elements matches every given parameter, and the list shows those matching elements.
* A firm is listed when it is accredited on the date (a period covering it, not suspended or
  withdrawn). The filter's standard / sector / country apply to the firm's own scope.

Today's register is read from its read model (``RegisterEntry``, one row per listed auditor,
and ``RegisterCoverage``, one row per scope element on the register), which
``accreditation.services.register.refresh_register`` keeps equal to the eligibility engine's
rules (``check_eligibility``, training requirements aside) on every write of an input and in
the daily run: every page costs a fixed number of queries on indexed rows, whatever the size
of the register. Other dates (the "not currently accredited" history) are computed in SQL
from the history rows (``elements_on_register``: correlated subqueries on the status-change
rows). ``tests/accreditation/test_register_parity.py`` checks that both agree with the
eligibility engine, training requirements aside.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_countries.fields import Country

from accreditation.models import (
    Accreditation,
    Affiliation,
    AuditFirm,
    AuditorProfile,
    CodeOfConductAcceptance,
    CodeOfConductVersion,
    FirmAccreditationPeriod,
    FirmScopeElement,
    FirmStatusChange,
    RegisterCoverage,
    RegisterEntry,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
    Sector,
    Standard,
)

from .filters import RegisterFilter

PAGE_SIZE = 25


def today() -> datetime.date:
    return timezone.localdate()


# --- Status expressions ----------------------------------------------------------------


def scope_status_on(on: datetime.date, element: str = "pk") -> Subquery:
    """SQL expression: a scope element's status on ``on`` (latest change effective by then).

    NULL when no change is effective yet: such an element is not active.
    """
    latest = (
        ScopeStatusChange.objects.filter(element=OuterRef(element), effective_from__lte=on)
        .order_by("-effective_from", "-created_at", "-pk")
        .values("status")[:1]
    )
    return Subquery(latest)


def firm_status_on(on: datetime.date, firm: str = "pk") -> Coalesce:
    """SQL expression: the firm's status on ``on`` from its status changes (active if none)."""
    latest = (
        FirmStatusChange.objects.filter(firm=OuterRef(firm), effective_from__lte=on)
        .order_by("-effective_from", "-created_at", "-pk")
        .values("status")[:1]
    )
    return Coalesce(Subquery(latest), Value(FirmStatusChange.Status.ACTIVE.value))


def firm_has_period_on(on: datetime.date, firm: str = "pk") -> Exists:
    return Exists(
        FirmAccreditationPeriod.objects.filter(
            firm=OuterRef(firm), valid_from__lte=on, valid_until__gte=on
        )
    )


def elements_on_register(on: datetime.date | None = None) -> QuerySet[ScopeElement]:
    """Scope elements shown as accredited on ``on``.

    The SQL form of the eligibility engine's accreditation rules (``check_accreditation_on``
    in ``accreditation.selectors``) without the training requirements: the element is within
    its dates with status active; a confirmed affiliation of the auditor to the firm covers
    the date; the firm is not suspended or withdrawn and a firm period covers the date (an
    imported accreditation's own dates count as the firm's); where the firm's own scope is
    recorded for the standard, it covers the element; once a code of conduct version is in
    force, the auditor accepted it by the end of the date.
    """
    on = on or today()
    firm = "accreditation__firm"
    works_for_firm = Affiliation.objects.counting_on(on).filter(
        auditor=OuterRef("accreditation__auditor"), firm=OuterRef(firm)
    )
    firm_scope_for_standard = FirmScopeElement.objects.filter(
        firm=OuterRef(firm), sector__standard=OuterRef("sector__standard")
    )
    firm_scope_covers = firm_scope_for_standard.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        sector=OuterRef("sector"),
        country=OuterRef("country"),
        valid_from__lte=on,
    )
    conduct_in_force = CodeOfConductVersion.objects.filter(in_force_from__lte=on).order_by(
        "-in_force_from"
    )[:1]
    conduct_accepted = CodeOfConductAcceptance.objects.accepted_by(on).filter(
        auditor=OuterRef("accreditation__auditor"),
        version=Subquery(conduct_in_force.values("pk")),
    )
    return (
        ScopeElement.objects.annotate(
            current_status=scope_status_on(on),
            firm_status=firm_status_on(on, firm),
        )
        .filter(
            valid_from__lte=on,
            valid_until__gte=on,
            current_status=ScopeStatus.ACTIVE,
            firm_status=FirmStatusChange.Status.ACTIVE,
        )
        .filter(
            firm_has_period_on(on, firm) | Q(accreditation__source=Accreditation.Source.IMPORTED)
        )
        .filter(Exists(works_for_firm))
        .filter(~Exists(firm_scope_for_standard) | Exists(firm_scope_covers))
        .filter(~Exists(conduct_in_force) | Exists(conduct_accepted))
        .order_by()
    )


def _apply_element_filter(elements: QuerySet[ScopeElement], f: RegisterFilter):
    if f.standard is not None:
        elements = elements.filter(sector__standard=f.standard)
    if f.sector:
        elements = elements.filter(sector__slug=f.sector)
    if f.country:
        elements = elements.filter(country=f.country)
    if f.firm is not None:
        elements = elements.filter(accreditation__firm_id=f.firm.pk)
    return elements


def _from_read_model(on: datetime.date) -> bool:
    """Today's register is the read model's; other dates are computed from history."""
    return on == today()


def _works_for_firm_named(q: str, on: datetime.date, auditor: str) -> Exists:
    return Exists(
        Affiliation.objects.counting_on(on).filter(
            auditor=OuterRef(auditor), firm__name__icontains=q
        )
    )


def _filter_coverage(rows: QuerySet[RegisterCoverage], f: RegisterFilter, prefix: str = ""):
    """Coverage rows (``prefix``: the path to them) matching standard, sector, country, firm."""
    if f.standard is not None:
        rows = rows.filter(**{f"{prefix}standard": f.standard})
    if f.sector:
        rows = rows.filter(**{f"{prefix}sector__slug": f.sector})
    if f.country:
        rows = rows.filter(**{f"{prefix}country": f.country})
    if f.firm is not None:
        rows = rows.filter(**{f"{prefix}firm_id": f.firm.pk})
    return rows


def listed_entries(f: RegisterFilter, on: datetime.date | None = None) -> QuerySet[RegisterEntry]:
    """Today's read-model entries of the auditors matching the filter, by name (the order of
    the register): a coverage row matching every element parameter, and ``q`` in the name or
    in the name of a firm the auditor works for today."""
    on = on or today()
    entries = RegisterEntry.objects.all()
    if f.standard is not None or f.sector or f.country or f.firm is not None:
        coverage = _filter_coverage(RegisterCoverage.objects.filter(entry=OuterRef("pk")), f)
        entries = entries.filter(Exists(coverage))
    if f.q:
        entries = entries.filter(
            Q(name__icontains=f.q) | _works_for_firm_named(f.q, on, "auditor_id")
        )
    return entries.order_by("name", "auditor_id")


def matching_elements(f: RegisterFilter, on: datetime.date | None = None):
    """Register elements of listed (consenting) auditors that match the filter.

    ``q`` is part of the auditor's name, or of the name of a firm the auditor works for on
    ``on`` (an affiliation that counts: confirmed by the firm and current), so searching for
    a firm's name finds its auditors. It stays inside the one query (a correlated EXISTS).
    Today's come from the read model (annotated ``current_status`` "active", as the register
    shows only active elements); other dates' from the history (``elements_on_register``).
    """
    on = on or today()
    if _from_read_model(on):
        elements = ScopeElement.objects.filter(register_coverage__isnull=False).annotate(
            current_status=Value(ScopeStatus.ACTIVE.value, output_field=CharField())
        )
        elements = _filter_coverage(elements, f, "register_coverage__").order_by()
        if f.q:
            elements = elements.filter(
                Q(register_coverage__entry__name__icontains=f.q)
                | _works_for_firm_named(f.q, on, "register_coverage__entry_id")
            )
        return elements
    elements = elements_on_register(on).filter(accreditation__auditor__listed_consent=True)
    elements = _apply_element_filter(elements, f)
    if f.q:
        works_for_matching_firm = Affiliation.objects.counting_on(on).filter(
            auditor=OuterRef("accreditation__auditor"), firm__name__icontains=f.q
        )
        elements = elements.filter(
            Q(accreditation__auditor__user__full_name__icontains=f.q)
            | Exists(works_for_matching_firm)
        )
    return elements


def _element_rows(elements: QuerySet[ScopeElement]) -> QuerySet[ScopeElement]:
    return elements.select_related(
        "sector__standard", "accreditation__firm", "accreditation__standard_version"
    ).order_by(
        "accreditation__auditor_id",
        "sector__standard__code",
        "sector__name",
        "country",
        "pk",
    )


# --- Auditors --------------------------------------------------------------------------


def listed_auditors(f: RegisterFilter, on: datetime.date | None = None):
    """Listed auditors with at least one register element matching the filter, by name.

    The matching elements are an uncorrelated subquery (``pk IN (...)``), computed once
    rather than once per auditor.
    """
    on = on or today()
    if _from_read_model(on):
        matching = listed_entries(f, on).values("auditor_id")
        order = ("register_entry__name", "pk")
    else:
        matching = matching_elements(f, on).values("accreditation__auditor_id")
        order = ("user__full_name", "pk")
    return (
        AuditorProfile.objects.filter(listed_consent=True, pk__in=matching)
        .select_related("user")
        .only("pk", "is_lead_auditor", "languages", "user__full_name")
        .order_by(*order)
    )


def listed_auditor_ids(f: RegisterFilter, on: datetime.date | None = None) -> list[int]:
    """The ids of the listed auditors matching the filter, in the register's order (one
    query; today's read the read model's index on name)."""
    on = on or today()
    if _from_read_model(on):
        return list(listed_entries(f, on).values_list("auditor_id", flat=True))
    return list(listed_auditors(f, on).values_list("pk", flat=True))


def current_firm_names(auditor_ids: Iterable[int], on: datetime.date) -> dict[int, list[str]]:
    """The firms each auditor works for on ``on``, confirmed by the firm (one query)."""
    names: dict[int, list[str]] = defaultdict(list)
    affiliations = (
        Affiliation.objects.counting_on(on)
        .filter(auditor_id__in=list(auditor_ids))
        .values_list("auditor_id", "firm__name")
        .order_by("firm__name")
    )
    for auditor_id, firm_name in affiliations:
        names[auditor_id].append(firm_name)
    return names


def _all_current_firm_names(on: datetime.date) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    affiliations = (
        Affiliation.objects.counting_on(on)
        .filter(auditor__listed_consent=True)
        .values_list("auditor_id", "firm__name")
        .order_by("firm__name")
    )
    for auditor_id, firm_name in affiliations:
        names[auditor_id].append(firm_name)
    return names


def attach_register_data(
    auditors: list[AuditorProfile], f: RegisterFilter, on: datetime.date | None = None
) -> list[AuditorProfile]:
    """Sets ``register_scope`` (matching elements) and ``register_firms`` on each auditor.

    Two queries, whatever the number of auditors.
    """
    on = on or today()
    ids = [auditor.pk for auditor in auditors]
    scope: dict[int, list[ScopeElement]] = defaultdict(list)
    for element in _element_rows(
        matching_elements(f, on).filter(accreditation__auditor_id__in=ids)
    ):
        scope[element.accreditation.auditor_id].append(element)
    firms = current_firm_names(ids, on)
    for auditor in auditors:
        auditor.register_scope = scope.get(auditor.pk, [])
        auditor.register_firms = firms.get(auditor.pk, [])
    return auditors


def _profiles_for(ids: list[int], f: RegisterFilter, on: datetime.date) -> list[AuditorProfile]:
    """The profiles of ``ids`` in that order, with register scope and firms (three queries)."""
    if not ids:
        return []
    by_id = {p.pk: p for p in AuditorProfile.objects.filter(pk__in=ids).select_related("user")}
    return attach_register_data([by_id[pk] for pk in ids if pk in by_id], f, on)


def auditor_page(f: RegisterFilter, number: int | str | None = 1, on=None) -> Page:
    """One page (25 auditors) of the register, with scope and firms attached.

    The register rules are evaluated once (the ordered ids of every listed auditor); the
    page's profiles, scope and firms are then read by id: four queries in all. An invalid
    or out-of-range page number gives the nearest page (for the HTML page).
    """
    on = on or today()
    ids = listed_auditor_ids(f, on)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    page.object_list = _profiles_for(list(page.object_list), f, on)
    return page


def auditor_window(
    f: RegisterFilter, number: int, on: datetime.date | None = None
) -> tuple[int, list[AuditorProfile]]:
    """(count, auditors of page ``number``); a page past the end is empty (for the API)."""
    on = on or today()
    ids = listed_auditor_ids(f, on)
    start = (number - 1) * PAGE_SIZE
    return len(ids), _profiles_for(ids[start : start + PAGE_SIZE], f, on)


def listed_auditor(pk: int, on: datetime.date | None = None) -> AuditorProfile | None:
    """A listed auditor with their whole register scope, or None if they are not listed."""
    on = on or today()
    profile = (
        AuditorProfile.objects.filter(pk=pk, listed_consent=True).select_related("user").first()
    )
    if profile is None:
        return None
    attach_register_data([profile], RegisterFilter(), on)
    return profile if profile.register_scope else None


CSV_COLUMNS = (
    "auditor",
    "firms",
    "standard",
    "sector",
    "country",
    "firm",
    "status",
    "valid_from",
    "valid_until",
)


def csv_rows(f: RegisterFilter, on: datetime.date | None = None) -> Iterator[tuple]:
    """One row per matching register element, ordered by auditor name (two queries)."""
    on = on or today()
    firms = _all_current_firm_names(on)
    rows = (
        matching_elements(f, on)
        .order_by(
            "accreditation__auditor__user__full_name",
            "accreditation__auditor_id",
            "sector__standard__code",
            "sector__slug",
            "country",
            "pk",
        )
        .values_list(
            "accreditation__auditor_id",
            "accreditation__auditor__user__full_name",
            "sector__standard__code",
            "sector__slug",
            "country",
            "accreditation__firm__name",
            "current_status",
            "valid_from",
            "valid_until",
        )
    )
    for auditor_id, name, standard, sector, country, firm, status, start, until in rows.iterator(
        chunk_size=2000
    ):
        yield (
            name,
            "; ".join(firms.get(auditor_id, [])),
            standard,
            sector,
            country,
            firm,
            status,
            start.isoformat(),
            until.isoformat(),
        )


# --- Firms -----------------------------------------------------------------------------


def firm_scope_on(on: datetime.date) -> QuerySet[FirmScopeElement]:
    return (
        FirmScopeElement.objects.filter(valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("firm", "sector", "country")
    )


def with_firm_status(firms: QuerySet[AuditFirm], on: datetime.date) -> QuerySet[AuditFirm]:
    current_period = FirmAccreditationPeriod.objects.filter(
        firm=OuterRef("pk"), valid_from__lte=on, valid_until__gte=on
    ).order_by("-valid_until")
    last_period = FirmAccreditationPeriod.objects.filter(firm=OuterRef("pk")).order_by(
        "-valid_until"
    )
    return firms.annotate(
        status_today=firm_status_on(on),
        period_from=Subquery(current_period.values("valid_from")[:1]),
        period_until=Subquery(current_period.values("valid_until")[:1]),
        last_period_until=Subquery(last_period.values("valid_until")[:1]),
    )


def firm_register_status(firm: AuditFirm) -> str:
    """``active``, ``suspended``, ``withdrawn``, ``expired`` or ``none`` (never accredited).

    Needs a firm from ``_with_firm_status`` (the listing and detail queries).
    """
    if firm.period_until is None:
        return "expired" if firm.last_period_until else "none"
    return firm.status_today


def listed_firms(f: RegisterFilter, on: datetime.date | None = None) -> QuerySet[AuditFirm]:
    """Firms accredited on ``on`` whose own scope matches the filter, by name."""
    on = on or today()
    firms = with_firm_status(AuditFirm.objects.all(), on).filter(
        firm_has_period_on(on), status_today=FirmStatusChange.Status.ACTIVE
    )
    if f.standard is not None or f.sector or f.country:
        scope = firm_scope_on(on).filter(firm=OuterRef("pk"))
        if f.standard is not None:
            scope = scope.filter(sector__standard=f.standard)
        if f.sector:
            scope = scope.filter(sector__slug=f.sector)
        if f.country:
            scope = scope.filter(country=f.country)
        firms = firms.filter(Exists(scope))
    if f.firm is not None:
        firms = firms.filter(pk=f.firm.pk)
    if f.q:
        firms = firms.filter(name__icontains=f.q)
    return firms.order_by("name", "pk")


def attach_firm_data(firms: list[AuditFirm], on: datetime.date | None = None) -> list[AuditFirm]:
    """Sets ``register_scope`` (the firm's own scope today) and ``register_status`` (1 query)."""
    on = on or today()
    scope: dict[int, list[FirmScopeElement]] = defaultdict(list)
    elements = (
        firm_scope_on(on)
        .filter(firm_id__in=[firm.pk for firm in firms])
        .select_related("sector__standard")
        .order_by("firm_id", "sector__standard__code", "sector__name", "country")
    )
    for element in elements:
        scope[element.firm_id].append(element)
    for firm in firms:
        firm.register_scope = scope.get(firm.pk, [])
        firm.register_scope_groups = group_firm_scope(firm.register_scope)
        firm.register_status = firm_register_status(firm)
    return firms


@dataclass(frozen=True)
class FirmScopeGroup:
    """One line of a firm's scope as the pages show it: a standard's sector in countries."""

    standard: Standard
    sector: Sector
    countries: tuple[Country, ...]
    valid_until: datetime.date | None


def group_firm_scope(elements: Iterable[FirmScopeElement]) -> list[FirmScopeGroup]:
    """The firm's scope elements as one line per (standard, sector, end date), countries by
    name: a firm's scope is often one sector in many countries. No query (needs the
    elements with ``sector__standard``, as ``attach_firm_data`` reads them)."""
    grouped: dict[tuple, list[Country]] = defaultdict(list)
    sectors: dict[int, Sector] = {}
    for element in elements:
        sectors[element.sector_id] = element.sector
        grouped[(element.sector_id, element.valid_until)].append(element.country)
    groups = [
        FirmScopeGroup(
            standard=sectors[sector_id].standard,
            sector=sectors[sector_id],
            countries=tuple(sorted(set(countries), key=lambda c: str(c.name))),
            valid_until=valid_until,
        )
        for (sector_id, valid_until), countries in grouped.items()
    ]
    # Open-ended lines first, then those that end, soonest first.
    groups.sort(
        key=lambda g: (
            g.standard.code,
            g.sector.name,
            g.valid_until is not None,
            g.valid_until or datetime.date.min,
        )
    )
    return groups


def firm_page(f: RegisterFilter, number: int | str | None = 1, on=None) -> Page:
    on = on or today()
    paginator = Paginator(listed_firms(f, on), PAGE_SIZE)
    page = paginator.get_page(number)
    page.object_list = attach_firm_data(list(page.object_list), on)
    return page


def register_firm(slug: str, on: datetime.date | None = None) -> AuditFirm | None:
    """A firm for its public page: any firm with an accreditation period or accreditation.

    Its page shows its true status (also when lapsed or suspended).
    """
    on = on or today()
    firm = (
        with_firm_status(AuditFirm.objects.filter(slug=slug), on)
        .filter(
            Exists(FirmAccreditationPeriod.objects.filter(firm=OuterRef("pk")))
            | Exists(Accreditation.objects.filter(firm=OuterRef("pk")))
        )
        .first()
    )
    if firm is None:
        return None
    return attach_firm_data([firm], on)[0]


# --- Search: which tab answers ---------------------------------------------------------

AUDITORS_TAB = "auditors"
FIRMS_TAB = "firms"
TABS = (AUDITORS_TAB, FIRMS_TAB)


def listed_auditor_count(f: RegisterFilter, on: datetime.date | None = None) -> int:
    """How many listed auditors match the filter (one query)."""
    on = on or today()
    if _from_read_model(on):
        return listed_entries(f, on).count()
    return listed_auditors(f, on).count()


def listed_firm_count(f: RegisterFilter, on: datetime.date | None = None) -> int:
    """How many listed firms match the filter (one query)."""
    return listed_firms(f, on).count()


def search_tab(f: RegisterFilter, preferred: str = AUDITORS_TAB, on=None) -> str:
    """The tab a register search lands on: ``auditors`` or ``firms``.

    Without ``q`` the visitor is filtering, and stays on ``preferred``. With ``q``: the
    preferred tab when something matches there (its page then links to the other tab's
    matches), else the other tab when only it has matches, else the preferred one (its empty
    state). From the home page the preferred tab is the auditors'. One or two queries.
    """
    on = on or today()
    if preferred not in TABS:
        preferred = AUDITORS_TAB
    if not f.q:
        return preferred
    other = FIRMS_TAB if preferred == AUDITORS_TAB else AUDITORS_TAB

    def has_matches(tab: str) -> bool:
        if tab == AUDITORS_TAB:
            return matching_elements(f, on).exists()
        return listed_firms(f, on).exists()

    if has_matches(preferred):
        return preferred
    return other if has_matches(other) else preferred
