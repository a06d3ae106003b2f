"""Dates, times and money as people read them, in the active language.

One format per language everywhere a person reads a date (pages, e-mails, PDFs): Django's
``DATE_FORMAT`` / ``DATETIME_FORMAT`` of the active locale ("Dec. 6, 2026" in English,
"6 décembre 2026" in French, "6. Dezember 2026" in German, "2026年12月6日" in Chinese,
"6 de Dezembro de 2026" in Portuguese). Templates use the same formats through
``|date:"DATE_FORMAT"`` and ``|date:"DATETIME_FORMAT"`` (``tests/lms/test_formats.py``
refuses fixed display formats such as ``|date:"Y-m-d"`` in templates).

Machines keep ISO 8601: CSV exports, the JSON API, ``<time datetime=...>`` attributes,
form input values, calendar files and file names call ``.isoformat()``, not these.

Money is held in integer minor units (cents) with an ISO 4217 code, and shown as the code
and the amount with the active language's separators: ``EUR 1,500.00`` (en),
``EUR 1 500,00`` (fr), ``EUR 1.500,00`` (de). Babel is not a dependency, so the currency
code leads in every language rather than a symbol placed per locale.

Call these inside ``translation.override(language)`` to write for someone else (an
e-mail, a PDF in the buyer's language).
"""

from __future__ import annotations

import datetime

from django.utils import numberformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, get_format

__all__ = ["as_date", "local_date", "local_datetime", "money"]


def as_date(value: datetime.date | datetime.datetime | str | None) -> datetime.date | None:
    """A date from a date, an aware datetime (its local day) or an ISO string (as stored
    in log payloads); None for None or "". A string that is no date raises ValueError."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        parsed = parse_date(value)
        if parsed is None:
            moment = parse_datetime(value)
            if moment is None:
                raise ValueError(f"not an ISO date: {value!r}")
            value = moment
        else:
            return parsed
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def local_date(value: datetime.date | datetime.datetime | str | None) -> str:
    """The day in the active language's ``DATE_FORMAT`` ("6 décembre 2026"); "" for
    None. Accepts a date, a datetime (its day in the current time zone) or an ISO string."""
    day = as_date(value)
    return "" if day is None else date_format(day, "DATE_FORMAT")


def local_datetime(value: datetime.datetime | str | None) -> str:
    """The moment in the active language's ``DATETIME_FORMAT``, in the current time zone
    ("6 décembre 2026 14:30"); "" for None."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not an ISO date and time: {value!r}")
        value = parsed
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATETIME_FORMAT")


def money(amount: int, currency: str) -> str:
    """``150000, "EUR"`` -> ``"EUR 1,500.00"`` in English, ``"EUR 1 500,00"`` in French,
    ``"EUR 1.500,00"`` in German: an amount in minor units (two-decimal currencies), with
    the active language's separators; integer arithmetic only."""
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 100)
    decimal = get_format("DECIMAL_SEPARATOR")
    grouped = numberformat.format(
        major,
        decimal,
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{currency} {sign}{grouped}{decimal}{minor:02d}"
