"""Refunds: staff refund a paid order (``order_refund``, ``refund_retry``), Stripe reports
one made in its own dashboard (``refund_apply``, ``refund_partial_record``).

Stripe is never called inside a database transaction: a card refund is recorded as
"in progress" and committed, Stripe is called, and the outcome (done, or failed with a
way to retry) is recorded in a new transaction. ``order_refund`` and ``refund_retry``
must not be called inside ``transaction.atomic()``. Every step writes one audit entry
(``payments.refund.*``; the credit note as ``payments.credit_note.issued``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.payments.fulfilments import get_fulfilment
from courses.payments.models import (
    DocumentKind,
    LineState,
    Order,
    OrderStatus,
    PaymentMethod,
    Refund,
)
from courses.payments.services.errors import PaymentError, RefundFailed
from courses.payments.services.invoices import document_number_next
from courses.payments.services.orders import order_lock, order_move, order_release_lines
from lms import audit


@dataclass
class RefundResult:
    refund: Refund
    revoked: list[str] = field(default_factory=list)
    not_revoked: list[str] = field(default_factory=list)


def _refund_units(
    order: Order, units: dict[int, int] | None, reason: str
) -> tuple[list[str], list[str], list[dict]]:
    """Refunds ``units`` of each line (None: everything not yet refunded): takes back what
    is unused, keeps what was used. Returns (taken back, kept) descriptions for staff and
    the lines the refund covers, for its credit note."""
    revoked, kept, covered = [], [], []
    for line in order.lines.select_related("item", "beneficiary", "order__buyer"):
        wanted = line.refundable_quantity if units is None else units.get(line.pk, 0)
        if wanted <= 0:
            continue
        covered.append(
            {
                "description": line.description,
                "quantity": wanted,
                "unit_amount": line.unit_amount,
                "amount": line.unit_amount * wanted,
            }
        )
        taken = get_fulfilment(line.kind).revoke(line, wanted, reason)
        if taken:
            revoked.append(
                line.description if line.quantity == 1 else f"{line.description} × {taken}"
            )
        if wanted - taken:
            kept.append(
                _("%(line)s: %(used)d of %(wanted)d already used")
                % {"line": line.description, "used": wanted - taken, "wanted": wanted}
                if line.quantity > 1
                else _("%(line)s: already used") % {"line": line.description}
            )
        line.refunded_quantity += wanted
        line.revoked_quantity += taken
        fields = ["refunded_quantity", "revoked_quantity"]
        if line.refunded_quantity >= line.quantity:
            fully_taken = line.revoked_quantity == line.quantity
            line.state = LineState.REVOKED if fully_taken else LineState.KEPT
            if not fully_taken:
                line.fulfilment_note = _("Already used: refunded without revoking.")
            fields += ["state", "fulfilment_note"]
        line.save(update_fields=fields)
    return revoked, kept, covered


def _units_json(units: dict[int, int] | None) -> dict[str, int] | None:
    return None if units is None else {str(pk): count for pk, count in units.items()}


def _units_of(refund: Refund) -> dict[int, int] | None:
    if refund.units is None:
        return None
    return {int(pk): int(count) for pk, count in refund.units.items()}


def _refund_plan(
    order: Order, *, reason: str, units: dict[int, int] | None
) -> tuple[int, dict[int, int] | None]:
    """Checks a refund of the (locked) order: (amount, units). The amount is the lines'
    unit prices times the units, at most what is not refunded yet."""
    if not reason.strip():
        raise PaymentError(_("Give the reason for the refund."))
    if order.status != OrderStatus.PAID:
        raise PaymentError(_("Only a paid order can be refunded."))
    lines = {line.pk: line for line in order.lines.all()}
    if units is not None:
        units = {int(pk): int(n) for pk, n in units.items() if int(n) != 0}
        for pk, count in units.items():
            line = lines.get(pk)
            if line is None or count < 0 or count > line.refundable_quantity:
                raise PaymentError(
                    _("%(line)s: choose between 0 and %(max)d units to refund.")
                    % {
                        "line": line.description if line else pk,
                        "max": line.refundable_quantity if line else 0,
                    }
                )
        if not units:
            raise PaymentError(_("Choose what to refund."))
        amount = sum(lines[pk].unit_amount * count for pk, count in units.items())
    else:
        amount = sum(line.unit_amount * line.refundable_quantity for line in lines.values())
    return min(amount, order.total - order.amount_refunded), units


def _refund_settle(
    order: Order,
    refund: Refund,
    *,
    units: dict[int, int] | None,
    source: str,
    event_id: str = "",
) -> RefundResult:
    """The money of ``refund`` went back: take back what is unused of the (locked) order,
    keep what was used, number the credit note, and move the order to refunded once
    every unit is. The credit-note counter is locked last and until commit: a refund
    that fails here rolls back and uses no number."""
    revoked, kept, covered = _refund_units(order, units, refund.reason)
    order.amount_refunded = min(order.total, order.amount_refunded + refund.amount)
    order.save(update_fields=["amount_refunded"])
    everything = units is None or not any(line.refundable_quantity for line in order.lines.all())
    if everything:
        order_move(
            order=order,
            to=OrderStatus.REFUNDED,
            source=source,
            actor=refund.actor,
            event_id=event_id,
            reason=refund.reason,
        )
        # refunded before the payment was even seen
        order_release_lines(order=order, reason=refund.reason)
    outcome = []
    if revoked:
        outcome.append(_("Revoked: %(lines)s.") % {"lines": "; ".join(revoked)})
    if kept:
        outcome.append(_("Not revoked: %(lines)s.") % {"lines": "; ".join(kept)})
    today = timezone.localdate()
    refund.status = Refund.Status.DONE
    refund.error = ""
    refund.outcome = " ".join(outcome)
    refund.lines = covered
    refund.issued_on = today
    sequence = document_number_next(kind=DocumentKind.CREDIT_NOTE, year=today.year)
    refund.number = f"CN-{today.year}-{sequence:05d}"
    if refund.pk is None:
        refund.save()
    else:
        refund.save(
            update_fields=[
                "status",
                "error",
                "outcome",
                "lines",
                "issued_on",
                "number",
                "stripe_refund_id",
            ]
        )
    facts = {"order": order.number, "amount": refund.amount, "method": refund.method}
    audit.record(
        "payments.refund.completed",
        instance=refund,
        user=refund.actor,
        reason=refund.reason,
        data={**facts, "source": source, "event_id": event_id, "lines": covered},
    )
    audit.record(
        "payments.credit_note.issued",
        instance=refund,
        user=refund.actor,
        data={**facts, "number": refund.number},
    )
    from courses.payments.tasks import send_order_email

    transaction.on_commit(lambda: send_order_email.enqueue(order.pk, "refunded"))
    return RefundResult(refund=refund, revoked=revoked, not_revoked=kept)


@transaction.atomic
def refund_apply(
    *,
    order: Order,
    amount: int,
    method: str,
    reason: str,
    source: str,
    event_id: str = "",
    actor=None,
    stripe_refund_id: str = "",
) -> RefundResult | None:
    """All the order's money went back outside a staff refund (e.g. from Stripe's own
    dashboard, seen by the webhook): record ``amount`` as one refund, take back what is
    unused and move the order to refunded. None if the order is already refunded.

    The caller holds the order row locked (``select_for_update``) in its transaction.
    """
    if order.status == OrderStatus.REFUNDED or not order.can_move_to(OrderStatus.REFUNDED):
        return None
    refund = Refund(
        order=order,
        amount=amount,
        method=method,
        reason=reason,
        actor=actor,
        stripe_refund_id=stripe_refund_id,
    )
    return _refund_settle(order, refund, units=None, source=source, event_id=event_id)


@transaction.atomic
def refund_partial_record(*, order: Order, amount_refunded: int, event_id: str = "") -> None:
    """Stripe reports part of the order's charge refunded (from its own dashboard): record
    how much went back in all; access is unchanged.

    The caller holds the order row locked (``select_for_update``) in its transaction.
    """
    previous = order.amount_refunded
    order.amount_refunded = min(order.total, amount_refunded)
    order.save(update_fields=["amount_refunded"])
    audit.record(
        "payments.refund.partial_recorded",
        instance=order,
        data={
            "amount_refunded": order.amount_refunded,
            "previously_refunded": previous,
            "currency": order.currency,
            "event_id": event_id,
        },
    )


def _refund_fail(refund: Refund, *, error: str) -> Refund:
    """Stripe answered that it did not refund: the refund is failed, the order untouched,
    and the next attempt gets a new idempotency key (Stripe would repeat its refusal)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.IN_PROGRESS:  # a retry finished it meanwhile
            return refund
        refund.status = Refund.Status.FAILED
        refund.error = error[:2000]
        refund.attempt += 1
        refund.save(update_fields=["status", "error", "attempt"])
        audit.record(
            "payments.refund.failed",
            instance=refund,
            user=refund.actor,
            data={"order": refund.order.number, "amount": refund.amount, "error": refund.error},
        )
    return refund


def _refund_complete(refund: Refund, *, stripe_refund_id: str) -> RefundResult:
    """Stripe refunded: record it (once, however many retries report it)."""
    with transaction.atomic():
        order = order_lock(order=refund.order)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == Refund.Status.DONE:
            return RefundResult(refund=refund)
        refund.stripe_refund_id = stripe_refund_id
        return _refund_settle(order, refund, units=_units_of(refund), source="staff")


def _refund_send(refund: Refund) -> RefundResult:
    """Asks Stripe for the committed, in-progress ``refund``, with no transaction open,
    then records the outcome. When the outcome is unknown (Stripe could not be reached,
    or an unexpected error) the refund stays in progress: ``refund_retry`` finds the
    outcome out with the same idempotency key, so the money never goes back twice."""
    import stripe

    from courses.payments.stripe_gateway import CheckoutUnavailable, refund_create

    try:
        answer = refund_create(refund=refund)
    except (stripe.APIConnectionError, stripe.IdempotencyError) as exc:
        raise RefundFailed(
            _(
                "Stripe could not be reached, so whether %(amount)s went back is not known "
                "yet. The refund stays in progress; retry it from the order's page."
            )
            % {"amount": refund.amount_display},
            refund=refund,
        ) from exc
    except (stripe.StripeError, CheckoutUnavailable) as exc:
        message = getattr(exc, "user_message", None) or str(exc)
        refund = _refund_fail(refund, error=message)
        raise RefundFailed(
            _(
                "Stripe did not refund %(amount)s (%(error)s). The refund is recorded as "
                "failed; retry it from the order's page."
            )
            % {"amount": refund.amount_display, "error": message},
            refund=refund,
        ) from exc
    status = getattr(answer, "status", "")  # a StripeObject: no dict ``get``
    if status in ("failed", "canceled"):
        refund = _refund_fail(refund, error=status)
        raise RefundFailed(
            _("Stripe did not refund %(amount)s. The refund is recorded as failed.")
            % {"amount": refund.amount_display},
            refund=refund,
        )
    return _refund_complete(refund, stripe_refund_id=answer["id"])


def order_refund(
    *, order: Order, actor, reason: str, reference: str = "", units: dict[int, int] | None = None
) -> RefundResult:
    """Staff refund a paid order: everything not yet refunded (``units`` None), or some
    units of some lines (``{line_id: units}``), through Stripe for card orders, recorded by
    hand (with the bank reference) otherwise. Unused items are taken back, used ones kept.
    The amount is the lines' unit prices times the units: never typed, never guessed.

    A card refund is recorded "in progress" and committed, Stripe is called with no
    transaction open, and the outcome is recorded: done, or ``RefundFailed`` with the
    refund left failed (the order as it was) for ``refund_retry``. One card refund of an
    order is in progress at a time. Must not be called inside ``transaction.atomic()``.
    """
    with transaction.atomic():
        order = order_lock(order=order)
        amount, units = _refund_plan(order, reason=reason, units=units)
        if order.method != PaymentMethod.CARD or amount == 0:
            if amount > 0 and not reference.strip():
                raise PaymentError(
                    _("Give the reference of the bank transfer that returned the money.")
                )
            refund = Refund(
                order=order,
                amount=amount,
                method=Refund.Method.MANUAL,
                reason=reason,
                reference=reference,
                actor=actor,
            )
            return _refund_settle(order, refund, units=units, source="staff")
        if order.has_refund_in_progress:
            raise PaymentError(_("A refund of this order is already in progress."))
        refund = Refund.objects.create(
            order=order,
            amount=amount,
            method=Refund.Method.STRIPE,
            status=Refund.Status.IN_PROGRESS,
            reason=reason,
            reference=reference,
            actor=actor,
            units=_units_json(units),
        )
        audit.record(
            "payments.refund.requested",
            instance=refund,
            user=actor,
            reason=reason,
            data={"order": order.number, "amount": amount, "units": refund.units},
        )
    return _refund_send(refund)


def refund_retry(*, refund: Refund, actor) -> RefundResult:
    """Staff try again a card refund that failed, or whose outcome was never recorded (it
    stayed in progress). A failed refund is checked again first: what it covers must still
    be refundable, for the same amount. Whoever retries becomes the refund's actor. Must
    not be called inside ``transaction.atomic()``."""
    with transaction.atomic():
        order = order_lock(order=refund.order)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == Refund.Status.DONE or refund.method != Refund.Method.STRIPE:
            raise PaymentError(_("This refund is already done."))
        if refund.status == Refund.Status.FAILED:
            amount = _refund_plan(order, reason=refund.reason, units=_units_of(refund))[0]
            if amount != refund.amount:
                raise PaymentError(
                    _("The order has changed since this refund was asked for: refund it anew.")
                )
            if order.has_refund_in_progress:
                raise PaymentError(_("A refund of this order is already in progress."))
            refund.status = Refund.Status.IN_PROGRESS
            refund.error = ""
        refund.actor = actor
        refund.save(update_fields=["status", "error", "actor"])
        audit.record(
            "payments.refund.retried",
            instance=refund,
            user=actor,
            data={"order": order.number, "amount": refund.amount, "attempt": refund.attempt},
        )
    return _refund_send(refund)
