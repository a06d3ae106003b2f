"""Stripe-shaped webhook events, signed exactly as Stripe signs them (documented scheme:
``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time

TEST_WEBHOOK_SECRET = "whsec_test_secret_for_the_suite"
_ids = itertools.count(1)


def sign(payload: bytes, secret: str = TEST_WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type: str, obj: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_ids)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "api_version": "2025-01-27.acacia",
        "data": {"object": obj},
    }


def session_object(
    order,
    *,
    amount=None,
    currency=None,
    payment_status="paid",
    session_id=None,
    payment_intent="pi_test_1",
) -> dict:
    return {
        "id": session_id or order.stripe_session_id or f"cs_test_order_{order.pk}",
        "object": "checkout.session",
        "amount_total": order.total if amount is None else amount,
        "currency": (currency or order.currency).lower(),
        "client_reference_id": str(order.pk),
        "metadata": {"order_id": str(order.pk)},
        "payment_intent": payment_intent,
        "payment_status": payment_status,
        "status": "complete",
    }


def charge_refunded_object(order, *, amount_refunded=None, payment_intent="pi_test_1") -> dict:
    return {
        "id": "ch_test_1",
        "object": "charge",
        "amount": order.total,
        "amount_refunded": order.total if amount_refunded is None else amount_refunded,
        "currency": order.currency.lower(),
        "payment_intent": payment_intent,
        "metadata": {"order_id": str(order.pk)},
        "refunded": True,
    }


def post(
    client,
    evt: dict | bytes,
    *,
    secret: str = TEST_WEBHOOK_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
):
    body = evt if isinstance(evt, bytes) else json.dumps(evt).encode()
    headers = {}
    if signature is not False:
        headers["HTTP_STRIPE_SIGNATURE"] = signature or sign(body, secret, timestamp)
    return client.post(
        "/payments/stripe/webhook/", data=body, content_type="application/json", **headers
    )
