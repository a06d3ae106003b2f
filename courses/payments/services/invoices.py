"""Numbered documents: invoices (INV-<year>-<00001>) and the numbers of credit notes
(CN-<year>-<00001>), each series gap-free within a year."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from courses.payments import conf
from courses.payments.models import DocumentCounter, DocumentKind, Invoice, Order
from lms import audit


def document_number_next(*, kind: str, year: int) -> int:
    """The next number of ``year`` in the series of ``kind`` (a ``DocumentKind``).

    Must be called inside the transaction that stores the document: the counter row stays
    locked until that transaction ends, so two documents never get one number, and one
    that is rolled back gives its number back (no gaps).
    """
    DocumentCounter.objects.get_or_create(kind=kind, year=year)
    counter = DocumentCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def invoice_issue(*, order: Order, today: datetime.date | None = None, actor=None) -> Invoice:
    """Numbers an invoice for a pending order and mails it after commit; an order that
    already has its invoice gets that one back. ``actor`` is who asked (the buyer placing
    the order), ``None`` for the system."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    sequence = document_number_next(kind=DocumentKind.INVOICE, year=today.year)
    buyer_details = "\n".join(
        part
        for part in (
            order.billing_name,
            order.billing_address,
            order.billing_country.name if order.billing_country else "",
            order.buyer.email,
        )
        if part
    )
    invoice = Invoice.objects.create(
        order=order,
        number=f"INV-{today.year}-{sequence:05d}",
        year=today.year,
        sequence=sequence,
        issued_on=today,
        due_on=today + datetime.timedelta(days=conf.invoice_due_days()),
        seller_details=conf.seller_details(),
        buyer_details=buyer_details,
    )
    audit.record(
        "payments.invoice.issued",
        instance=invoice,
        user=actor,
        data={"order": order.number, "number": invoice.number, "total": order.total},
    )
    from courses.payments.tasks import send_order_email

    transaction.on_commit(lambda: send_order_email.enqueue(order.pk, "invoice"))
    return invoice
