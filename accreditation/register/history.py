"""Who was on the register and is not now: the "not currently accredited" answer.

Register policy for the public page of an auditor who is not on the register today:

* An auditor who consents to be named (``listed_consent``) and who *was* on the register
  (some past day had one of their scope elements on it, by the same rules as the register,
  ``elements_on_register``) gets a page that says "Not currently accredited" and since when:
  the day after the last day one of their scope elements was on the register. Nothing else:
  not why (suspension, withdrawal, expiry or a reduced scope look the same), not the scope,
  not the firms. Whoever holds a certificate sees its true status on its verification page.
* An auditor who does not consent today, or who was never on the register, is not known to
  the public register at all: their page is a 404, as for an id that does not exist.

The past is read from history, as the register reads it for any date: the state of an element
only changes on a date something happens (an element's end, a status change, a firm's status
change or period end, an affiliation's or the firm scope's end, a code of conduct version
coming into force), so the last day on the register is the day before one of those dates.
The candidates are gathered in one query and tried, latest first, a chunk of them per query
(one query for any ordinary history), so the page costs the same whatever the size of the
register.
"""

from __future__ import annotations

import datetime

from django.db.models import IntegerField, QuerySet, Value

from accreditation.models import (
    Affiliation,
    CodeOfConductVersion,
    FirmAccreditationPeriod,
    FirmScopeElement,
    FirmStatusChange,
    ScopeElement,
    ScopeStatusChange,
)

from .queries import elements_on_register, today

CHUNK = 50  # candidate days tried in one query (SQLite allows 500 parts in a UNION)
ONE_DAY = datetime.timedelta(days=1)


def _dates(queryset: QuerySet, field: str, shift: int) -> QuerySet:
    """``(date, shift)`` rows: the register may have changed between ``date - shift`` and
    the next day."""
    return (
        queryset.order_by()
        .annotate(shift=Value(shift, output_field=IntegerField()))
        .values_list(field, "shift")
    )


def _candidate_days(auditor_id: int, on: datetime.date) -> list[datetime.date]:
    """Days before ``on`` that may be the last day the auditor was on the register, latest
    first (one query): the last day of an element, affiliation, firm period or firm scope
    element, and the day before a status change (the element's or the firm's)."""
    firms = {"firm__accreditations__auditor_id": auditor_id}
    parts = [
        _dates(
            ScopeElement.objects.filter(accreditation__auditor_id=auditor_id, valid_until__lt=on),
            "valid_until",
            0,
        ),
        _dates(
            ScopeStatusChange.objects.filter(
                element__accreditation__auditor_id=auditor_id, effective_from__lte=on
            ),
            "effective_from",
            1,
        ),
        _dates(
            FirmStatusChange.objects.filter(**firms, effective_from__lte=on), "effective_from", 1
        ),
        _dates(
            FirmAccreditationPeriod.objects.filter(**firms, valid_until__lt=on), "valid_until", 0
        ),
        _dates(FirmScopeElement.objects.filter(**firms, valid_until__lt=on), "valid_until", 0),
        _dates(Affiliation.objects.filter(auditor_id=auditor_id, until__lt=on), "until", 0),
        _dates(CodeOfConductVersion.objects.filter(in_force_from__lte=on), "in_force_from", 1),
    ]
    rows = parts[0].union(*parts[1:])
    days = {day - datetime.timedelta(days=shift) for day, shift in rows}
    return sorted((day for day in days if day < on), reverse=True)


def _last_day_on_register(auditor_id: int, days: list[datetime.date]) -> datetime.date | None:
    """The latest of ``days`` (given latest first) on which one of the auditor's elements was
    on the register, or None."""
    for start in range(0, len(days), CHUNK):
        chunk = days[start : start + CHUNK]
        parts = [
            elements_on_register(day)
            .filter(accreditation__auditor_id=auditor_id)
            .annotate(day_index=Value(index, output_field=IntegerField()))
            .values_list("day_index", flat=True)
            for index, day in enumerate(chunk)
        ]
        found = set(parts[0].union(*parts[1:])) if len(parts) > 1 else set(parts[0])
        if found:
            return chunk[min(found)]
    return None


def not_listed_since(auditor_id: int, on: datetime.date | None = None) -> datetime.date | None:
    """For a consenting auditor who is not on the register on ``on`` but was before: the
    first day of their absence (the day after the last day one of their scope elements was on
    the register). None when they were never on it.

    Call it only for an auditor who consents to be listed and is not listed on ``on``
    (``listed_auditor`` answered None): it does not check either.
    """
    on = on or today()
    last = _last_day_on_register(auditor_id, _candidate_days(auditor_id, on))
    return None if last is None else last + ONE_DAY
