"""Invoices, receipts and credit notes are written in the buyer's language, with dates and
amounts as that language writes them, print names in any script with embedded fonts, and
go out attached to an e-mail in the same language (courses/payments/pdf.py, tasks.py)."""

import datetime

import pytest
from django.core import mail

from courses.payments import pdf, services
from courses.payments.models import Invoice
from tests.factories import UserFactory
from tests.pdfs import assert_every_font_is_embedded, pdf_text

pytestmark = pytest.mark.django_db

BILLING_NAME = "王芳 (北京审核有限公司)"


@pytest.fixture
def french_invoice_order(no_stripe, course_item, django_capture_on_commit_callbacks):
    buyer = UserFactory(full_name="王芳", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_create(
            buyer=buyer,
            lines=[services.LineRequest(item=course_item)],
            method="invoice",
            currency="EUR",
            billing_name=BILLING_NAME,
            billing_address="a/c João Araújo\nRua das Flores 12, Porto",
        )
    Invoice.objects.filter(order=order).update(
        issued_on=datetime.date(2026, 3, 1), due_on=datetime.date(2026, 3, 31)
    )
    order.refresh_from_db()
    return order


def test_an_invoice_is_in_the_buyers_language_and_prints_a_chinese_billing_name(
    french_invoice_order,
):
    data = pdf.invoice_pdf(french_invoice_order)

    text = pdf_text(data, joined=True)
    assert "Facture" in text and "Facturé à" in text and "Échéance" in text
    assert "Billed to" not in text
    assert BILLING_NAME in text and "João Araújo" in text
    assert "1 mars 2026" in text and "31 mars 2026" in text
    assert "EUR 200,00" in text  # French decimal comma
    assert_every_font_is_embedded(data)


def test_the_invoice_email_and_its_attachment_are_in_the_buyers_language(french_invoice_order):
    message = next(m for m in mail.outbox if french_invoice_order.invoice.number in m.subject)

    assert message.subject.endswith(f"Facture {french_invoice_order.invoice.number}")
    (_name, attachment, _type) = message.attachments[0]
    assert "Facturé à" in pdf_text(attachment)
    assert BILLING_NAME in pdf_text(attachment, joined=True)


def test_a_credit_note_and_a_receipt_are_in_the_buyers_language(
    french_invoice_order, staff_user, django_capture_on_commit_callbacks
):
    order = french_invoice_order
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-1")
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.order_refund(
            order=order, actor=staff_user, reason="Cancelled", reference="R1"
        ).refund
    order.refresh_from_db()

    credit_note = pdf.credit_note_pdf(refund)
    receipt = pdf.receipt_pdf(order)

    credit_text = pdf_text(credit_note, joined=True)
    assert "Avoir" in credit_text and "Crédité à" in credit_text
    assert "Credit note" not in credit_text and "EUR 200,00" in credit_text
    assert BILLING_NAME in credit_text
    assert "Credited to" not in pdf_text(mail.outbox[-1].attachments[0][1])
    assert "Reçu" in pdf_text(receipt, joined=True)
    assert_every_font_is_embedded(credit_note)
    # Asked for in another language (staff checking it), it is written in that one.
    assert "Credited to" in pdf_text(pdf.credit_note_pdf(refund, language="en"))


def test_no_order_email_goes_to_an_inactive_buyer(french_invoice_order):
    from courses.payments.tasks import send_order_email

    buyer = french_invoice_order.buyer
    buyer.is_active = False
    buyer.save(update_fields=["is_active"])
    mail.outbox.clear()

    send_order_email.enqueue(french_invoice_order.pk, "invoice")

    assert mail.outbox == []
