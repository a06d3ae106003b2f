"""Invoices and credit notes are numbered from one counter table, one series per kind and
year: gap-free, never repeated, even when several are issued at the same moment, and the
migration that merged the two old counters continues both series where they stopped."""

import datetime

import pytest
from django.db import connection, transaction

from courses.payments import services
from courses.payments.models import DocumentCounter, DocumentKind, Order
from courses.payments.services.invoices import document_number_next
from tests.races import needs_postgres, run_concurrently


def _take(kind: str, year: int) -> int:
    """One number, taken in its own transaction as a document's would be."""
    with transaction.atomic():
        return document_number_next(kind=kind, year=year)


@pytest.mark.django_db
def test_invoices_and_credit_notes_count_separately_per_year():
    assert [_take(DocumentKind.INVOICE, 2031) for _ in range(3)] == [1, 2, 3]
    assert _take(DocumentKind.CREDIT_NOTE, 2031) == 1
    assert _take(DocumentKind.INVOICE, 2032) == 1
    assert _take(DocumentKind.INVOICE, 2031) == 4
    assert sorted(DocumentCounter.objects.values_list("kind", "year", "last_number")) == [
        ("credit_note", 2031, 1),
        ("invoice", 2031, 4),
        ("invoice", 2032, 1),
    ]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_invoices_issued_at_the_same_moment_get_consecutive_numbers(no_stripe, buyer):
    today = datetime.date(2033, 3, 1)
    orders = [
        Order.objects.create(buyer=buyer, currency="EUR", total=100, method="invoice")
        for _ in range(4)
    ]
    waiting = list(orders)

    results = run_concurrently(
        4, lambda: services.invoice_issue(order=waiting.pop(), today=today).number
    )

    assert sorted(results) == [f"INV-2033-{n:05d}" for n in (1, 2, 3, 4)]
    assert DocumentCounter.objects.get(kind=DocumentKind.INVOICE, year=2033).last_number == 4


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_credit_note_numbers_taken_at_once_never_repeat_and_a_rollback_gives_one_back():
    def take():
        return _take(DocumentKind.CREDIT_NOTE, 2033)

    def take_and_roll_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            document_number_next(kind=DocumentKind.CREDIT_NOTE, year=2033)
            raise RuntimeError

    assert sorted(run_concurrently(5, take)) == [1, 2, 3, 4, 5]
    take_and_roll_back()
    assert take() == 6


@pytest.mark.django_db(transaction=True)
def test_the_merge_migration_continues_both_series_where_the_old_counters_stopped():
    from django.db.migrations.executor import MigrationExecutor

    before = [("payments", "0007_refund_in_progress_and_failed")]
    after = [("payments", "0008_one_document_counter")]

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    try:
        old = migrate(before)
        old.get_model("payments", "InvoiceCounter").objects.create(year=2026, last_number=41)
        old.get_model("payments", "CreditNoteCounter").objects.create(year=2026, last_number=7)
        old.get_model("payments", "InvoiceCounter").objects.create(year=2025, last_number=300)

        migrate(after)
        assert _take(DocumentKind.INVOICE, 2026) == 42
        assert _take(DocumentKind.CREDIT_NOTE, 2026) == 8
        assert _take(DocumentKind.INVOICE, 2025) == 301

        old = migrate(before)  # and back: the reverse keeps the numbers given since
        invoices = old.get_model("payments", "InvoiceCounter").objects
        assert dict(invoices.values_list("year", "last_number")) == {2025: 301, 2026: 42}
        credit_notes = old.get_model("payments", "CreditNoteCounter").objects
        assert list(credit_notes.values_list("year", "last_number")) == [(2026, 8)]
    finally:
        # Back to the latest state (not just ``after``): later migrations of the app exist.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("payments"))
