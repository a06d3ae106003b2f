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
from lms.i18n import language_of


def _render(template: str, context: dict, language: str | None = None) -> tuple[str, str]:
    context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"payments/email/{template}.txt", context).strip()
    subject, _sep, body = text.partition("\n")
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return f"{prefix}{subject.strip()}", body.strip() + "\n"


def _secretariat_by_language() -> dict[str, list[str]]:
    """The secretariat's active members' addresses, grouped by the language each is
    written to in."""
    User = get_user_model()
    groups: dict[str, list[str]] = {}
    staff = User.objects.filter(groups__name=roles.SECRETARIAT, is_active=True).exclude(email="")
    for person in staff.order_by("email").distinct():
        groups.setdefault(language_of(person), []).append(person.email)
    return groups


def _to_secretariat(template: str, context: dict) -> int:
    """``template`` to the secretariat, one message per language."""
    sent = 0
    for language, recipients in _secretariat_by_language().items():
        subject, body = _render(template, context, language)
        sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return sent


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
    if not order.buyer.is_active:  # erased or switched off: nobody to write to
        return 0
    language = language_of(order.buyer)
    url = reverse("payments:order_detail", kwargs={"public_id": order.public_id})
    subject, body = _render(
        what, {"order": order, "order_url": url, "refund": _latest_refund(order)}, language
    )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [order.buyer.email])
    if what == "invoice":
        document = pdf.invoice_pdf(order, language=language)
        message.attach(f"{order.invoice.number}.pdf", document, "application/pdf")
    elif what == "paid":
        document = pdf.receipt_pdf(order, language=language)
        message.attach(f"receipt-{order.number}.pdf", document, "application/pdf")
    elif what == "refunded":
        refund = _latest_refund(order)
        if refund is not None and refund.number:
            document = pdf.credit_note_pdf(refund, language=language)
            message.attach(f"{refund.number}.pdf", document, "application/pdf")
    return message.send()


@task()
def notify_secretariat_firm_fee(line_id: int) -> int:
    from courses.payments.models import OrderLine

    line = OrderLine.objects.select_related("order__buyer").get(pk=line_id)
    return _to_secretariat("firm_fee_paid", {"line": line, "order": line.order})


@task()
def notify_secretariat_mismatch(order_id: int, event_id: str) -> int:
    from courses.payments.models import Order

    order = Order.objects.get(pk=order_id)
    return _to_secretariat("amount_mismatch", {"order": order, "event_id": event_id})
