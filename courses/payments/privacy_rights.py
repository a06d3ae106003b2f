"""Payments' part of erasure (``lms.privacy.erasure``, the ``privacy_erasure`` hook).

Invoices and credit notes are accounting records: they are kept for the legal retention
period with their numbers, dates, lines and amounts, and orders with their status history,
so that the books, the order reports and every invoice PDF still add up and render.

What names the person on them is pseudonymised (the choice made here, documented in the
plan staff see): the billing name of an order bought for oneself becomes the pseudonym,
its billing address is blanked, and the buyer's e-mail address in the invoice's buyer
details becomes the account's erased address; the same names and address are replaced in
the stored Stripe events of those orders. An order bought for an audit firm keeps the
firm's billing name and address (the firm's, not the person's).

Where the body's law requires invoices to keep the customer's name and address for the
retention period (EU VAT rules ask for them on the invoice), set
``PRIVACY_ERASURE_KEEP_BILLING_DETAILS = True``: the billing name, the address and the
invoice's buyer details are then kept as issued (and the plan says so), while the account
itself is still erased. Imported from ``courses/payments/wagtail_hooks.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.payments.models import (
    Invoice,
    Order,
    OrderLine,
    Refund,
    SittingVoucher,
    StripeEvent,
)
from lms.privacy.erasure import ErasurePart, PlanLine, count_label, erased_email
from lms.privacy.export import by_whom


def keep_billing_details() -> bool:
    return bool(getattr(settings, "PRIVACY_ERASURE_KEEP_BILLING_DETAILS", False))


def _replace(value, terms: list[tuple[str, str]]):
    if isinstance(value, str):
        for old, new in terms:
            if old:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, terms) for key, item in value.items()}
    return value


def erasure_part(user) -> ErasurePart | None:
    orders = Order.objects.filter(buyer=user)
    count = orders.count()
    if not count:
        return None
    invoices = Invoice.objects.filter(order__buyer=user).count()
    credit_notes = Refund.objects.filter(order__buyer=user).exclude(number=None).count()
    keep = keep_billing_details()
    erased = [PlanLine(_("The buyer's e-mail address on invoices and payment records"))]
    if not keep:
        erased.append(
            PlanLine(
                _(
                    "Billing names and addresses of orders bought for oneself (replaced by "
                    "the pseudonym; orders bought for a firm keep the firm's)"
                )
            )
        )
    why = _(
        "Accounting records: kept for the legal retention period with their numbers, dates "
        "and amounts, so that the books add up and every invoice still renders."
    )
    kept = [
        PlanLine(count_label(count, _("%(count)s order"), _("%(count)s orders")), why),
        PlanLine(
            count_label(
                invoices + credit_notes,
                _("%(count)s invoice or credit note"),
                _("%(count)s invoices and credit notes"),
            ),
            why,
        ),
    ]
    if keep:
        kept.append(
            PlanLine(
                _("Billing names and addresses as issued on invoices"),
                _(
                    "The law applied here requires invoices to keep them (setting "
                    "PRIVACY_ERASURE_KEEP_BILLING_DETAILS)."
                ),
            )
        )
    return ErasurePart(
        code="payments", title=str(_("Orders and invoices")), erased=erased, kept=kept, erase=erase
    )


def erase(user, pseudonym: str) -> dict[str, int]:
    keep = keep_billing_details()
    new_email = erased_email(user)
    name = user.full_name.strip()
    changed_orders = invoices = events = 0
    for order in Order.objects.filter(buyer=user).select_related("invoice"):
        terms = [(user.email, new_email)]
        personal = not order.firm_name or order.billing_name != order.firm_name
        if not keep and personal:
            if order.billing_address:
                terms.insert(0, (order.billing_address, ""))
            if order.billing_name:
                terms.insert(0, (order.billing_name, pseudonym))
            if len(name) >= 4:
                terms.append((name, pseudonym))
            if not order.firm_name:
                order.billing_address = ""
            if order.billing_name:
                order.billing_name = pseudonym
            order.save(update_fields=["billing_name", "billing_address"])
            changed_orders += 1
        invoice = getattr(order, "invoice", None)
        if invoice is not None:
            details = _replace(invoice.buyer_details, terms)
            details = "\n".join(line for line in details.splitlines() if line.strip())
            if details != invoice.buyer_details:
                invoice.buyer_details = details
                invoice.save(update_fields=["buyer_details"])
                invoices += 1
        for event in StripeEvent.objects.filter(order=order):
            payload = _replace(event.payload, terms)
            if payload != event.payload:
                event.payload = payload
                event.save(update_fields=["payload"])
                events += 1
    return {
        "orders_pseudonymised": changed_orders,
        "invoices_pseudonymised": invoices,
        "stripe_events_pseudonymised": events,
    }


hooks.register("privacy_erasure", erasure_part)


# --- "Download my data" (``lms.privacy.export``, the ``privacy_export`` hook) ---------------
#
# The person's orders (with lines, status history and refunds), their invoices, what others
# bought for them (the firm's name, never the buyer's), and the exam sittings assigned to
# them. Payment providers' raw events are not included (they repeat the orders).


def _line(line: OrderLine, user) -> dict:
    if line.beneficiary_id is None:
        beneficiary = None
    else:
        beneficiary = "you" if line.beneficiary_id == user.pk else "someone else"
    return {
        "description": line.description,
        "kind": line.get_kind_display(),
        "quantity": line.quantity,
        "unit_price_cents": line.unit_amount,
        "amount_cents": line.amount,
        "for": beneficiary,
        "fulfilment": line.get_state_display(),
        "units_refunded": line.refunded_quantity,
    }


def export_part(user) -> dict:
    orders = (
        Order.objects.filter(buyer=user)
        .prefetch_related("lines", "history", "refunds")
        .order_by("created_at", "pk")
    )
    invoices = Invoice.objects.filter(order__buyer=user).select_related("order")
    bought_for_me = (
        OrderLine.objects.filter(beneficiary=user)
        .exclude(order__buyer=user)
        .select_related("order")
        .order_by("order__created_at", "pk")
    )
    vouchers = SittingVoucher.objects.filter(assigned_to=user).select_related("quiz")
    return {
        "orders": [
            {
                "number": order.number,
                "status": order.get_status_display(),
                "payment_method": order.get_method_display(),
                "currency": order.currency,
                "total_cents": order.total,
                "refunded_cents": order.amount_refunded,
                "bought_for_firm": order.firm_name,
                "billing_name": order.billing_name,
                "billing_address": order.billing_address,
                "payment_reference": order.payment_reference,
                "created_at": order.created_at,
                "paid_at": order.paid_at,
                "refunded_at": order.refunded_at,
                "lines": [_line(line, user) for line in order.lines.all()],
                "status_history": [
                    {
                        "from": change.from_status,
                        "to": change.to_status,
                        "at": change.created_at,
                        "by": by_whom(change.actor_id, user),
                        "reason": change.reason,
                    }
                    for change in order.history.all()
                ],
                "refunds": [
                    {
                        "credit_note": refund.number,
                        "amount_cents": refund.amount,
                        "status": refund.get_status_display(),
                        "issued_on": refund.issued_on,
                        "reason": refund.reason,
                    }
                    for refund in order.refunds.all()
                ],
            }
            for order in orders
        ],
        "invoices": [
            {
                "number": invoice.number,
                "order": invoice.order.number,
                "issued_on": invoice.issued_on,
                "due_on": invoice.due_on,
                "seller": invoice.seller_details,
                "buyer": invoice.buyer_details,
            }
            for invoice in invoices.order_by("issued_on", "pk")
        ],
        "bought_for_you": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "bought_by": line.order.firm_name or "someone else",
                "ordered_at": line.order.created_at,
                "fulfilment": line.get_state_display(),
            }
            for line in bought_for_me
        ],
        "exam_sittings_assigned": [
            {
                "exam": voucher.quiz.title,
                "status": voucher.get_status_display(),
                "assigned_at": voucher.assigned_at,
            }
            for voucher in vouchers.order_by("assigned_at", "pk")
        ],
    }


hooks.register("privacy_export", export_part, order=40)
