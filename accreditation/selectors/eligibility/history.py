"""What the history rows say on a date: a scope element's status, the firm's, the auditor's
affiliation with the firm, the code of conduct; each with the reason in words why not
(rules 1 to 4 of ``accreditation.selectors.eligibility``, which re-exports them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import (
    Affiliation,
    AuditFirm,
    AuditorProfile,
    CodeOfConductAcceptance,
    CodeOfConductVersion,
    FirmStatusChange,
    ScopeElement,
    ScopeStatus,
    Sector,
    Standard,
)
from accreditation.selectors.eligibility.reference import _country_name
from lms.formats import local_date

# --- scope elements and firms on a date -----------------------------------------------


def element_status_on(
    element: ScopeElement, on: datetime.date
) -> tuple[str | None, datetime.date | None]:
    """The element's recorded status on ``on`` and the date it took effect (None: none yet).

    Dates are not applied here: see ``element_problem_on``.
    """
    latest = None
    for change in element.changes.all():  # ordered by effective_from, created_at, pk
        if change.effective_from <= on:
            latest = change
    if latest is None:
        return None, None
    return latest.status, latest.effective_from


def element_problem_on(element: ScopeElement, on: datetime.date) -> str | None:
    """Why the element is not active on ``on`` in plain words, or None when it is."""
    status, since = element_status_on(element, on)
    if status == ScopeStatus.ACTIVE and element.valid_from <= on <= element.valid_until:
        return None  # the common case, answered without putting any words together
    what = _("%(sector)s in %(country)s") % {
        "sector": element.sector.display_name,
        "country": _country_name(element.country),
    }
    if on < element.valid_from:
        return _("the accreditation for %(what)s starts on %(date)s") % {
            "what": what,
            "date": local_date(element.valid_from),
        }
    if status == ScopeStatus.SUSPENDED:
        return _("the accreditation for %(what)s was suspended on %(date)s") % {
            "what": what,
            "date": local_date(since),
        }
    if status == ScopeStatus.WITHDRAWN:
        return _("the accreditation for %(what)s was withdrawn on %(date)s") % {
            "what": what,
            "date": local_date(since),
        }
    if status == ScopeStatus.REDUCED:
        return _("%(what)s was removed from the accreditation's scope on %(date)s") % {
            "what": what,
            "date": local_date(since),
        }
    if on > element.valid_until:
        return _("the accreditation for %(what)s expired on %(date)s") % {
            "what": what,
            "date": local_date(element.valid_until),
        }
    if status == ScopeStatus.EXPIRED:
        return _("the accreditation for %(what)s expired on %(date)s") % {
            "what": what,
            "date": local_date(since - datetime.timedelta(days=1)),
        }
    if status is None:
        return _("the accreditation for %(what)s was not yet active") % {"what": what}
    return None


def element_active_on(element: ScopeElement, on: datetime.date) -> bool:
    return element_problem_on(element, on) is None


def firm_status_on(firm: AuditFirm, on: datetime.date) -> tuple[str, datetime.date | None]:
    """The firm's recorded status on ``on`` (active unless a suspension/withdrawal is in
    force) and the date it took effect."""
    latest = None
    for change in firm.status_changes.all():
        if change.effective_from <= on:
            latest = change
    if latest is None:
        return FirmStatusChange.Status.ACTIVE, None
    return latest.status, latest.effective_from


def firm_problem_on(
    firm: AuditFirm,
    on: datetime.date,
    *,
    own_dates: tuple[datetime.date, datetime.date] | None = None,
) -> str | None:
    """Why the firm is not accredited on ``on``, or None when it is.

    ``own_dates``: an imported accreditation's dates, over which its firm counts as
    accredited (unless a suspension or withdrawal is recorded).
    """
    status, since = firm_status_on(firm, on)
    if status == FirmStatusChange.Status.SUSPENDED:
        return _("the firm's accreditation was suspended on %(date)s") % {"date": local_date(since)}
    if status == FirmStatusChange.Status.WITHDRAWN:
        return _("the firm's accreditation was withdrawn on %(date)s") % {"date": local_date(since)}
    periods = list(firm.periods.all())
    if any(p.valid_from <= on <= p.valid_until for p in periods):
        return None
    if own_dates and own_dates[0] <= on <= own_dates[1]:
        return None
    ended = [p.valid_until for p in periods if p.valid_until < on]
    if ended:
        return _("the firm's accreditation expired on %(date)s") % {"date": local_date(max(ended))}
    starts = [p.valid_from for p in periods if p.valid_from > on]
    if starts:
        return _("the firm's accreditation starts on %(date)s") % {"date": local_date(min(starts))}
    return _("the firm holds no accreditation")


def firm_accredited_on(firm: AuditFirm, on: datetime.date | None = None) -> bool:
    return firm_problem_on(firm, on or timezone.localdate()) is None


def _firm_scope_by_standard(firm: AuditFirm) -> dict[int, dict[tuple[int, str], list]]:
    """The firm's own scope rows by standard, then by (sector, country), built once per firm
    instance (a firm's scope can hold a thousand rows; the register asks about every
    element of every auditor of the firm)."""
    index = getattr(firm, "_scope_by_standard", None)
    if index is not None:
        return index
    index = {}
    for row in firm.scope.all():
        by_element = index.setdefault(row.sector.standard_id, {})
        by_element.setdefault((row.sector_id, str(row.country)), []).append(row)
    if "scope" in getattr(firm, "_prefetched_objects_cache", {}):
        firm._scope_by_standard = index  # only a prefetched scope is fixed for the instance
    return index


def firm_scope_problem_on(
    firm: AuditFirm, standard: Standard, sector: Sector, country: str, on: datetime.date
) -> str | None:
    """When the firm's own scope is recorded for the standard, it must cover the element."""
    by_element = _firm_scope_by_standard(firm).get(standard.pk)
    if not by_element:
        return None
    for row in by_element.get((sector.pk, str(country)), []):
        if row.valid_from <= on and (row.valid_until is None or on <= row.valid_until):
            return None
    return _("the firm's own scope does not cover %(sector)s in %(country)s") % {
        "sector": sector.display_name,
        "country": _country_name(country),
    }


def affiliation_problem_on(
    auditor: AuditorProfile,
    firm: AuditFirm,
    on: datetime.date,
    *,
    rows: list[Affiliation] | None = None,
) -> str | None:
    """Why the auditor does not count as working for ``firm`` on ``on``, or None when a
    confirmed affiliation covers the date (the firm's confirmation is what counts; a
    pending or declined request does not).

    ``rows``: the auditor's affiliation rows with this firm, when the caller read them
    already (the register's refresh reads them for many auditors at once)."""
    if rows is None:
        rows = list(Affiliation.objects.filter(auditor=auditor, firm=firm))
    if any(row.counts_on(on) for row in rows):
        return None
    confirmed = [row for row in rows if row.status == Affiliation.Status.CONFIRMED]
    left = [row.until for row in confirmed if row.until and row.until < on]
    if left:
        return _("the auditor left %(firm)s on %(date)s") % {
            "firm": firm.name,
            "date": local_date(max(left)),
        }
    joined = [row.since for row in confirmed if row.since and row.since > on]
    if joined:
        return _("the auditor joined %(firm)s only on %(date)s") % {
            "firm": firm.name,
            "date": local_date(min(joined)),
        }
    statuses = {row.status for row in rows}
    if Affiliation.Status.PENDING in statuses:
        return _("%(firm)s has not yet confirmed that the auditor works for it") % {
            "firm": firm.name
        }
    if Affiliation.Status.DECLINED in statuses:
        return _("%(firm)s declined the auditor's request to work for it") % {"firm": firm.name}
    return _("the auditor does not work for %(firm)s") % {"firm": firm.name}


# --- the code of conduct --------------------------------------------------------------


def conduct_problems_on(auditor_ids: Iterable[int], on: datetime.date) -> dict[int, str]:
    """{auditor id: why not} for those of ``auditor_ids`` who had not accepted, by the end
    of ``on``, the code of conduct version in force on ``on``; empty when every one had, or
    when no version is in force. Two queries at most, whatever the number of auditors."""
    version = CodeOfConductVersion.objects.in_force_on(on)
    if version is None:
        return {}
    ids = set(auditor_ids)
    accepted = set(
        CodeOfConductAcceptance.objects.accepted_by(on)
        .filter(version=version, auditor_id__in=ids)
        .values_list("auditor_id", flat=True)
    )
    reason = _(
        "the auditor has not accepted version %(version)s of the code of conduct, in force "
        "since %(date)s"
    ) % {"version": version.label, "date": local_date(version.in_force_from)}
    return dict.fromkeys(ids - accepted, reason)


def conduct_problem_on(auditor: AuditorProfile, on: datetime.date) -> str | None:
    """Why ``auditor`` fails the code of conduct rule on ``on``, or None. Read once per
    profile instance and date (every element of an accreditation asks)."""
    memo = auditor.__dict__.setdefault("_conduct_problem_on", {})
    if on not in memo:
        memo[on] = conduct_problems_on([auditor.pk], on).get(auditor.pk)
    return memo[on]
