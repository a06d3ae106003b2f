"""E-mails of the payments app, sent by django-tasks after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from lms import roles


def _render(template: str, context: dict, language: str | None = None) -> tuple[str, str]:
    context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"payments/email/{template}.txt", context).strip()
    subject, _sep, body = text.partition("\n")
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return f"{prefix}{subject.strip()}", body.strip() + "\n"


def _secretariat_emails() -> list[str]:
    User = get_user_model()
    return sorted(
        User.objects.filter(groups__name=roles.SECRETARIAT, is_active=True).values_list(
            "email", flat=True
        )
    )


def _latest_refund(order):
    """The latest refund whose money went back (not one in progress or failed)."""
    from courses.payments.models import Refund

    return order.refunds.filter(status=Refund.Status.DONE).order_by("-pk").first()


@task()
def send_order_email(order_id: int, what: str) -> int:
    """``what``: "invoice" (with the invoice PDF), "paid" (with the receipt), "refunded"
    (with the credit note of the latest refund)."""
    from courses.payments import pdf
    from courses.payments.models import Order

    order = Order.objects.select_related("buyer").get(pk=order_id)
    url = reverse("payments:order_detail", kwargs={"public_id": order.public_id})
    subject, body = _render(
        what,
        {"order": order, "order_url": url, "refund": _latest_refund(order)},
        getattr(order.buyer, "preferred_language", None),
    )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [order.buyer.email])
    if what == "invoice":
        message.attach(f"{order.invoice.number}.pdf", pdf.invoice_pdf(order), "application/pdf")
    elif what == "paid":
        message.attach(f"receipt-{order.number}.pdf", pdf.receipt_pdf(order), "application/pdf")
    elif what == "refunded":
        refund = _latest_refund(order)
        if refund is not None and refund.number:
            message.attach(f"{refund.number}.pdf", pdf.credit_note_pdf(refund), "application/pdf")
    return message.send()


@task()
def notify_secretariat_firm_fee(line_id: int) -> int:
    from courses.payments.models import OrderLine

    line = OrderLine.objects.select_related("order__buyer").get(pk=line_id)
    subject, body = _render("firm_fee_paid", {"line": line, "order": line.order})
    recipients = _secretariat_emails()
    if not recipients:
        return 0
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()


@task()
def notify_secretariat_mismatch(order_id: int, event_id: str) -> int:
    from courses.payments.models import Order

    order = Order.objects.get(pk=order_id)
    subject, body = _render("amount_mismatch", {"order": order, "event_id": event_id})
    recipients = _secretariat_emails()
    if not recipients:
        return 0
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
