"""Stripe webhook events: verified, recorded once by event id, applied under a lock.

The final state of an order does not depend on the order in which events arrive:
``payment_apply`` refuses a refunded order, ``expired`` only cancels a pending order,
``charge.refunded`` before ``checkout.session.completed`` ends the order refunded and
nothing is ever granted. A ``charge.refunded`` that arrives while a staff refund is in
progress changes nothing: that refund records its own outcome. Each handler changes the
order only through the public services of ``courses.payments.services``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction

from courses.payments import services
from courses.payments.models import Order, OrderStatus, Refund, StripeEvent

logger = logging.getLogger(__name__)


class InvalidSignature(Exception):
    pass


class InvalidEvent(BadRequest):
    """A correctly signed event whose shape is not Stripe's: nothing is recorded, and
    Django answers 400 (a ``BadRequest``), so the sender sees the refusal."""


# The fields of ``data.object`` the handlers read, and the JSON types each may have
# (absent and null are always allowed; text at most MAX_TEXT characters). Anything else is
# refused before it is used.
OBJECT_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "metadata": (dict,),
    "client_reference_id": (str,),
    "payment_intent": (str,),
    "payment_status": (str,),
    "amount_total": (int,),
    "amount_refunded": (int,),
    "currency": (str,),
}
METADATA_FIELDS: dict[str, tuple[type, ...]] = {"order_id": (str, int)}
MAX_TEXT = 255  # the longest id or code a column of ours holds


def _wrong_fields(data: dict[str, Any], fields: dict[str, tuple[type, ...]]) -> list[str]:
    def wrong(value: Any, types: tuple[type, ...]) -> bool:
        if isinstance(value, bool) or not isinstance(value, types):
            return True
        return isinstance(value, str) and len(value) > MAX_TEXT

    return [
        name
        for name, types in fields.items()
        if data.get(name) is not None and wrong(data[name], types)
    ]


def event_parts(event: Any) -> tuple[str, str, dict[str, Any]]:
    """(id, type, data.object) of an event, or ``InvalidEvent`` if its shape is wrong."""
    if not isinstance(event, dict):
        raise InvalidEvent("the event is not a JSON object")
    event_id, event_type, data = event.get("id"), event.get("type"), event.get("data")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= MAX_TEXT:
        raise InvalidEvent("the event has no id, or an overlong one")
    if not isinstance(event_type, str) or len(event_type) > 100:
        raise InvalidEvent("the event has no type, or an overlong one")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise InvalidEvent("data.object is not a JSON object")
    wrong = _wrong_fields(obj, OBJECT_FIELDS)
    if isinstance(obj.get("metadata"), dict):
        wrong += [f"metadata.{name}" for name in _wrong_fields(obj["metadata"], METADATA_FIELDS)]
    if wrong:
        raise InvalidEvent(f"data.object has fields of the wrong type: {', '.join(wrong)}")
    return event_id, event_type, obj


def verify(*, payload: bytes, sig_header: str | None) -> None:
    """Checks ``Stripe-Signature`` (HMAC-SHA256 of ``"{t}.{body}"`` with the endpoint
    secret) and the timestamp's age. Raises ``InvalidSignature``."""
    import stripe

    secret = settings.STRIPE_WEBHOOK_SECRET
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE
    if not secret:
        raise InvalidSignature("no webhook secret configured")
    try:
        stripe.WebhookSignature.verify_header(payload, sig_header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        raise InvalidSignature(str(exc)) from exc
    # verified above, so the header has a well-formed "t=" item
    timestamp = int(
        next(item for item in (sig_header or "").split(",") if item.startswith("t="))[2:]
    )
    if timestamp > time.time() + tolerance:  # from the future: refuse as well
        raise InvalidSignature("timestamp in the future")


def _order_id(event_type: str, obj: dict[str, Any]) -> int | None:
    metadata = obj.get("metadata") or {}
    raw = metadata.get("order_id") or obj.get("client_reference_id")
    if raw is not None and re.fullmatch(r"[0-9]{1,18}", str(raw)):  # an id a bigint can hold
        return int(raw)
    if event_type.startswith("charge.") and obj.get("payment_intent"):
        order = Order.objects.filter(stripe_payment_intent=obj["payment_intent"]).first()
        if order is not None:
            return order.pk
    return None


def _amount_matches(order: Order, obj: dict[str, Any]) -> bool:
    return (
        obj.get("amount_total") == order.total
        and str(obj.get("currency", "")).upper() == order.currency
    )


def _remember_payment(order: Order, obj: dict[str, Any]) -> None:
    intent = obj.get("payment_intent")
    fields = []
    if isinstance(intent, str) and intent and order.stripe_payment_intent != intent:
        order.stripe_payment_intent = intent
        fields.append("stripe_payment_intent")
    if obj.get("id") and not order.stripe_session_id:
        order.stripe_session_id = obj["id"]
        fields.append("stripe_session_id")
    if fields:
        order.save(update_fields=fields)


def _paid(order: Order, obj: dict[str, Any], event_id: str) -> str:
    if not _amount_matches(order, obj):
        from courses.payments.tasks import notify_secretariat_mismatch

        transaction.on_commit(lambda: notify_secretariat_mismatch.enqueue(order.pk, event_id))
        return "amount_mismatch"
    _remember_payment(order, obj)
    if services.payment_apply(order=order, source="stripe", event_id=event_id):
        return "paid"
    return f"ignored ({order.status})"


def on_session_completed(order: Order, obj: dict[str, Any], event_id: str) -> str:
    if obj.get("payment_status") in ("paid", "no_payment_required"):
        return _paid(order, obj, event_id)
    _remember_payment(order, obj)
    return "awaiting_async_payment"


def on_async_succeeded(order: Order, obj: dict[str, Any], event_id: str) -> str:
    return _paid(order, obj, event_id)


def on_async_failed(order: Order, obj: dict[str, Any], event_id: str) -> str:
    if order.status != OrderStatus.PENDING:
        return f"ignored ({order.status})"
    services.order_release_unpaid(
        order=order,
        to=OrderStatus.FAILED,
        source="stripe",
        event_id=event_id,
        reason="payment failed",
    )
    return "failed"


def on_session_expired(order: Order, obj: dict[str, Any], event_id: str) -> str:
    if order.status != OrderStatus.PENDING or (
        order.stripe_session_id and obj.get("id") != order.stripe_session_id
    ):
        return f"ignored ({order.status})"
    services.order_release_unpaid(
        order=order,
        to=OrderStatus.CANCELLED,
        source="stripe",
        event_id=event_id,
        reason="checkout session expired",
    )
    return "cancelled"


def on_charge_refunded(order: Order, obj: dict[str, Any], event_id: str) -> str:
    refunded = int(obj.get("amount_refunded") or 0)
    if str(obj.get("currency", "")).upper() != order.currency:
        return "currency_mismatch"
    _remember_payment(order, {"payment_intent": obj.get("payment_intent")})
    if order.has_refund_in_progress:  # our own refund: it records its outcome itself
        return "refund_in_progress"
    if refunded < order.total:
        # A partial refund (made in Stripe's dashboard): recorded, access unchanged.
        services.refund_partial_record(order=order, amount_refunded=refunded, event_id=event_id)
        return "partially_refunded"
    result = services.refund_apply(
        order=order,
        amount=max(0, refunded - order.amount_refunded),  # what earlier refunds did not cover
        method=Refund.Method.STRIPE,
        reason="refunded in Stripe",
        source="stripe",
        event_id=event_id,
    )
    return "refunded" if result else f"ignored ({order.status})"


HANDLERS: dict[str, Callable[[Order, dict[str, Any], str], str]] = {
    "checkout.session.completed": on_session_completed,
    "checkout.session.async_payment_succeeded": on_async_succeeded,
    "checkout.session.async_payment_failed": on_async_failed,
    "checkout.session.expired": on_session_expired,
    "charge.refunded": on_charge_refunded,
}


def event_process(*, event: dict[str, Any]) -> str:
    """Applies a verified event once. Returns what happened ("duplicate" if seen before).

    The event row and its effects commit together: if applying fails, neither is kept
    and Stripe's retry is processed afresh. Two deliveries of the same event at once:
    the second insert of the event id waits for the first and then fails the unique
    constraint, so it is answered "duplicate" and grants nothing.

    A signed event of the wrong shape (``data.object`` not an object, a field of the
    wrong type) raises ``InvalidEvent`` before anything is written: logged, and a 400.
    """
    try:
        event_id, event_type, obj = event_parts(event)
    except InvalidEvent as exc:
        logger.warning("stripe event refused (%s): %.200r", exc, event)
        raise
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(
                    event_id=event_id, type=event_type, payload=event
                )
        except IntegrityError:
            return "duplicate"
        handler = HANDLERS.get(event_type)
        order_id = _order_id(event_type, obj) if handler else None
        order = Order.objects.select_for_update().filter(pk=order_id).first() if order_id else None
        if handler is None:
            outcome = "unhandled"
        elif order is None:
            outcome = "unknown_order"
        else:
            outcome = handler(order, obj, event_id)
        record.order = order
        record.outcome = outcome
        record.save(update_fields=["order", "outcome"])
    logger.info("stripe event %s %s: %s", event_id, event_type, outcome)
    return outcome
