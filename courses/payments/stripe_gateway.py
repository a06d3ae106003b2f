"""The only module that talks to Stripe's API (Checkout Sessions and Refunds).

None of these calls is made inside a database transaction: a slow or failing Stripe
must never hold a row lock. The services record what they intend, commit, call, and
record the outcome in a new transaction (see ``courses.payments.services``).

The client's API base comes from ``STRIPE_API_BASE`` when set (the tests point it at a
local fake of Stripe on loopback); otherwise the library's default, https://api.stripe.com.
"""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.payments.models import Order, OrderStatus, PaymentMethod, Refund
from lms.errors import ServiceError


class CheckoutUnavailable(ServiceError):
    """The order cannot go to Stripe (not a pending card order, no payment recorded)."""


def client() -> stripe.StripeClient:
    base_addresses: dict[str, str] = {}
    if settings.STRIPE_API_BASE:
        base_addresses["api"] = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,  # type: ignore[arg-type]
        max_network_retries=2,
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def checkout_start(*, order: Order) -> str:
    """Creates (once per order: idempotency key) the Checkout Session; returns its URL.

    The amounts sent are the order's own lines, priced on the server when it was made.
    Called with no transaction open; the session id is then stored in a short one.
    """
    if order.method != PaymentMethod.CARD or order.status != OrderStatus.PENDING:
        raise CheckoutUnavailable(_("This order cannot be paid by card now."))
    detail = reverse("payments:order_detail", kwargs={"public_id": order.public_id})
    metadata = {"order_id": str(order.pk), "order_number": order.number}
    params: dict[str, Any] = {
        "mode": "payment",
        "client_reference_id": str(order.pk),
        "customer_email": order.buyer.email,
        "success_url": _absolute(detail) + "?checkout=success",
        "cancel_url": _absolute(detail) + "?checkout=cancelled",
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "line_items": [
            {
                "quantity": line.quantity,
                "price_data": {
                    "currency": order.currency.lower(),
                    "unit_amount": line.unit_amount,
                    "product_data": {"name": line.description[:250]},
                },
            }
            for line in order.lines.all()
        ],
    }
    session = client().v1.checkout.sessions.create(
        params=params,  # type: ignore[arg-type]
        options={"idempotency_key": f"checkout-{order.public_id}"},
    )
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        locked.stripe_session_id = session["id"]
        locked.save(update_fields=["stripe_session_id"])
    return session["url"]


def checkout_expire(*, order: Order) -> None:
    """Closes the order's open Checkout Session so it can no longer be paid."""
    if not order.stripe_session_id:
        return
    client().v1.checkout.sessions.expire(
        order.stripe_session_id, options={"idempotency_key": f"expire-{order.public_id}"}
    )


def refund_create(*, refund: Refund) -> Any:
    """Asks Stripe to pay back the (committed, in-progress) ``refund``'s amount of its
    order's payment. The idempotency key names the refund and its attempt, so a retry
    after an unknown outcome is answered once and one after a refusal is asked anew."""
    order = refund.order
    if not order.stripe_payment_intent:
        raise CheckoutUnavailable(_("No Stripe payment is recorded for this order."))
    return client().v1.refunds.create(
        params={
            "payment_intent": order.stripe_payment_intent,
            "amount": refund.amount,
            "reason": "requested_by_customer",
            "metadata": {
                "order_id": str(order.pk),
                "refund_id": str(refund.pk),
                "reason": refund.reason[:450],
            },
        },
        options={"idempotency_key": refund.idempotency_key},
    )
