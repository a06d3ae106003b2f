"""One date format per language everywhere a person reads a date (``lms/formats.py``):
pages and e-mails write dates in the active language's ``DATE_FORMAT``, money with its
separators; machine-facing places (``<time datetime>``, inputs, CSV, JSON, .ics) keep ISO."""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation

from lms.formats import as_date, local_date, local_datetime, money

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.date(2026, 12, 6)
LOCALIZED = {
    "en": "Dec. 6, 2026",
    "fr": "6 décembre 2026",
    "de": "6. Dezember 2026",
    "zh-hans": "2026年12月6日",
    "pt-br": "6 de Dezembro de 2026",
}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def visible_text(page: str) -> str:
    """What a reader sees: no scripts or styles, no tags (so no attributes), entities read."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# --- the helper ---------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "expected"), LOCALIZED.items())
def test_a_date_is_written_in_the_active_language_s_one_format(language, expected):
    with translation.override(language):
        assert local_date(DAY) == expected
        assert local_date("2026-12-06") == expected  # as stored in log payloads
        assert local_date(None) == ""


def test_a_moment_is_written_in_the_current_time_zone(settings):
    moment = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)
    with translation.override("en"):  # a 24-hour clock in English too (lms/locale_formats)
        assert local_datetime(moment) == "Dec. 6, 2026, 23:30"
    with translation.override("de"):
        assert local_datetime(moment) == "6. Dezember 2026 23:30"
    with translation.override("fr"):
        assert local_datetime("2026-12-06T23:30:00+00:00") == "6 décembre 2026 23:30"


def test_an_aware_moment_is_read_as_its_local_day_and_nonsense_is_refused():
    assert as_date(datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC)) == DAY
    with pytest.raises(ValueError):
        as_date("next tuesday")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "EUR 1,500.00"), ("fr", "EUR 1\xa0500,00"), ("de", "EUR 1.500,00")],
)
def test_money_is_the_one_helper_payments_use(language, expected):
    from courses.payments.models import format_money

    with translation.override(language):
        assert money(150000, "EUR") == format_money(150000, "EUR") == expected


# --- no fixed display format in templates -------------------------------------------------

# Formats that follow the active language, or that are not a date a person reads as one:
# "c" (ISO for machines), "U" (epoch), "T" (time-zone abbreviation), "l" (weekday name).
ALLOWED_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "c",
    "U",
    "T",
    "l",
}
# Templates whose fixed formats are for machines (none today: add a file with the reason).
ALLOWED_FILES: dict[str, str] = {}
DATE_FILTER = re.compile(r"""\|(?:date|time):(["'])(?P<format>.*?)\1""")
MACHINE_ATTRIBUTE = re.compile(r"""\b(?:datetime|value|content|data-[\w-]+)=["']?[^"'>]*$""")


def _fixed_formats(text: str) -> list[str]:
    found = []
    for match in DATE_FILTER.finditer(text):
        if match["format"] in ALLOWED_FORMATS:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if MACHINE_ATTRIBUTE.search(before):  # inside <time datetime="..."> or an input value
            continue
        found.append(match.group(0))
    return found


def test_the_template_scan_catches_a_display_format_and_spares_machine_attributes():
    assert _fixed_formats('<td>{{ x|date:"Y-m-d" }}</td>') == ['|date:"Y-m-d"']
    assert _fixed_formats("{% blocktranslate with d=x|date:'j M Y' %}") == ["|date:'j M Y'"]
    assert _fixed_formats("""<time datetime="{{ x|date:'Y-m-d' }}">""") == []
    assert _fixed_formats('{{ x|date:"DATE_FORMAT" }} {{ x|date:"c" }}') == []


def test_no_template_prints_a_date_in_a_fixed_format():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".txt", ".xml"}:
            continue
        relative = str(path.relative_to(ROOT))
        if relative in ALLOWED_FILES:
            continue
        offenders += [f"{relative}: {f}" for f in _fixed_formats(path.read_text())]
    assert offenders == [], (
        'Write dates for people with |date:"DATE_FORMAT" or "DATETIME_FORMAT" '
        "(lms/formats.py); ISO only in machine-facing attributes."
    )


# --- pages and e-mails under French, German and Chinese ----------------------------------

PAGE_LANGUAGES = {
    "fr": ("31 décembre 2030", "EUR 1\xa0500,00"),
    "de": ("31. Dezember 2030", "EUR 1.500,00"),
    "zh-hans": ("2030年12月31日", "EUR 1500.00"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), PAGE_LANGUAGES.items())
def test_the_certificate_verification_page_writes_dates_in_the_url_s_language(
    client, language, expected
):
    from tests.accreditation.factories import AccreditationFactory

    accreditation = AccreditationFactory()  # scope valid until 2030-12-31
    text = visible_text(client.get(f"/{language}/verify/{accreditation.code}/").content.decode())

    assert text.count(expected[0]) >= 2  # "valid until" and the scope line
    assert ISO_DATE.findall(text) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), PAGE_LANGUAGES.items())
def test_the_order_page_writes_the_due_date_and_the_total_in_the_url_s_language(
    client, language, expected
):
    from courses.payments import services
    from courses.payments.models import Invoice
    from tests.factories import UserFactory
    from tests.payments.factories import CourseItemFactory

    buyer = UserFactory()
    item = CourseItemFactory(price=(150000, None))
    order = services.order_create(
        buyer=buyer,
        lines=[services.LineRequest(item=item, quantity=1, for_firm_pool=False)],
        method="invoice",
        billing_name="Bea Buyer Ltd",
        billing_address="Hauptstrasse 1",
        billing_country="DE",
    )
    Invoice.objects.filter(order=order).update(due_on=datetime.date(2030, 12, 31))
    client.force_login(buyer)

    page = client.get(f"/{language}/payments/orders/{order.public_id}/").content.decode()
    text = visible_text(page)

    assert expected[0] in text and expected[1] in text
    assert ISO_DATE.findall(text) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "de", "zh-hans"])
def test_a_reminder_e_mail_writes_its_date_in_the_reader_s_language(
    language, django_capture_on_commit_callbacks
):
    from accreditation.services import emails
    from tests.accreditation.factories import AccreditationFactory

    accreditation = AccreditationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        emails.send_after_commit(
            template="reminder",
            context={
                "kind": "scope",
                "days": 30,
                "accreditation": accreditation,
                "valid_until": DAY,
                "elements": ["Casthouse · Germany"],
            },
            recipients=["vera@example.org"],
            language=language,
        )

    (message,) = mail.outbox
    assert LOCALIZED[language] in message.body
    assert "2026-12-06" not in message.body
