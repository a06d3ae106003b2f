"""Writes of the payments app: orders, their status moves, invoices, refunds, vouchers.

Every status move goes through ``_move`` (checks the transitions map, writes an
``OrderStatusChange`` row). Access is granted only by ``payment_apply`` (called by the
Stripe webhook, by staff marking an invoice paid, or for a free order) and taken back
only by a refund (``order_refund``, ``refund_retry``, ``refund_apply``); all run with the
order row locked (``select_for_update``).

Stripe is never called inside a database transaction: a card refund is recorded as
"in progress" and committed, Stripe is called, and the outcome (done, or failed with a
way to retry) is recorded in a new transaction; a card order is cancelled only after its
payment page has been closed. The services that call Stripe (``order_cancel``,
``order_refund``, ``refund_retry``) must not be called inside ``transaction.atomic()``.

Every refusal is a ``PaymentError`` (a ``lms.errors.ServiceError``): its message is
written for the person and shown as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.payments import conf
from courses.payments.firms import FirmRef, firms_for_admin, may_assign_sitting
from courses.payments.fulfilments import get_fulfilment
from courses.payments.models import (
    FIRM_KINDS,
    CatalogueItem,
    CreditNoteCounter,
    Invoice,
    InvoiceCounter,
    Kind,
    LineState,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    Refund,
    SittingVoucher,
    format_money,
)
from courses.payments.selectors import quote_for
from lms.errors import ServiceError
from lms.permissions import is_firm_admin, is_secretariat

User = get_user_model()


class PaymentError(ServiceError):
    """A request the rules refuse; the message is safe to show to the person."""


class InvalidTransition(PaymentError):
    pass


class RefundFailed(PaymentError):
    """A card refund did not go through: Stripe refused it (the refund is recorded as
    failed) or could not be reached (it stays in progress, its outcome unknown). Either
    way the order is as it was, and staff may retry it with ``refund_retry``."""

    def __init__(self, message: str, *, refund: Refund) -> None:
        super().__init__(message)
        self.refund = refund


@dataclass(frozen=True)
class LineRequest:
    """One thing the buyer asks for. Never carries an amount: prices are looked up."""

    item: CatalogueItem
    quantity: int = 1
    for_firm_pool: bool = False  # exam sittings bought by a firm admin for their auditors


@dataclass
class RefundResult:
    refund: Refund
    revoked: list[str] = field(default_factory=list)
    not_revoked: list[str] = field(default_factory=list)


# --- Status moves ---------------------------------------------------------------------


def _move(
    order: Order,
    to: str,
    *,
    source: str,
    actor=None,
    event_id: str = "",
    reason: str = "",
) -> None:
    """Moves the (locked) order to ``to`` and records the move. Raises if not allowed."""
    if not order.can_move_to(to):
        raise InvalidTransition(
            _("An order cannot go from %(from)s to %(to)s.") % {"from": order.status, "to": to}
        )
    previous = order.status
    order.status = to
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to == OrderStatus.PAID:
        order.paid_at = now
        fields.append("paid_at")
    if to == OrderStatus.REFUNDED:
        order.refunded_at = now
        fields.append("refunded_at")
    order.save(update_fields=fields)
    OrderStatusChange.objects.create(
        order=order,
        from_status=previous,
        to_status=to,
        actor=actor,
        source=source,
        stripe_event_id=event_id,
        reason=reason,
        created_at=now,
    )


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


# --- Creating orders ------------------------------------------------------------------


def _check_line(*, buyer, request: LineRequest, firm: FirmRef | None) -> None:
    item = request.item
    if not item.is_on_sale():
        raise PaymentError(_("%(item)s is not on sale.") % {"item": item.name})
    if request.quantity < 1 or request.quantity > conf.max_quantity():
        raise PaymentError(
            _("Choose a quantity between 1 and %(max)d.") % {"max": conf.max_quantity()}
        )
    if item.kind == Kind.COURSE_ENROLMENT:
        if request.quantity != 1 or request.for_firm_pool:
            raise PaymentError(_("A course place is bought one at a time, for yourself."))
        from courses.models import EnrollmentStatus
        from courses.permissions import audience_allows
        from courses.selectors import open_enrollment, prerequisites_missing

        course = item.course
        if not course.live or not audience_allows(buyer, course):
            raise PaymentError(_("This course is not open to you."))
        if prerequisites_missing(user=buyer, course=course):
            raise PaymentError(_("Complete the prerequisite courses first."))
        enrollment = open_enrollment(user=buyer, course=course)
        if enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE:
            raise PaymentError(_("You are already enrolled on this course."))
        waiting = (
            OrderLine.objects.filter(
                kind=Kind.COURSE_ENROLMENT,
                target_id=str(course.pk),
                beneficiary=buyer,
                order__status=OrderStatus.PENDING,
            )
            .select_related("order")
            .first()
        )
        if waiting is not None:  # never let one place be paid for twice
            raise PaymentError(
                _(
                    "Order %(number)s for this course is already waiting for payment: "
                    "pay or cancel it from “My orders”."
                )
                % {"number": waiting.order.number}
            )
    elif item.kind == Kind.EXAM_SITTING:
        if request.for_firm_pool and not is_firm_admin(buyer):
            raise PaymentError(_("Only audit firm admins buy sittings for their auditors."))
        if not request.for_firm_pool and request.quantity != 1:
            raise PaymentError(_("For yourself, buy one sitting at a time."))
    elif item.kind in FIRM_KINDS:
        if firm is None or firm.key not in {f.key for f in firms_for_admin(buyer)}:
            raise PaymentError(_("Choose one of the audit firms you administer."))
        if request.quantity != 1:
            raise PaymentError(_("A firm fee is paid once."))


def _target(*, buyer, request: LineRequest, firm: FirmRef | None) -> tuple[str, str, object]:
    """(target_type, target_id, beneficiary) of a line."""
    item = request.item
    if item.kind == Kind.COURSE_ENROLMENT:
        return "courses.course", str(item.course_id), buyer
    if item.kind == Kind.EXAM_SITTING:
        return "quiz.quiz", str(item.quiz_id), None if request.for_firm_pool else buyer
    assert firm is not None
    return firm.target_type, firm.target_id, None


@transaction.atomic
def order_create(
    *,
    buyer,
    lines: list[LineRequest],
    method: str,
    currency: str | None = None,
    firm: FirmRef | None = None,
    billing_name: str = "",
    billing_address: str = "",
) -> Order:
    """Creates a pending order priced from the catalogue for ``buyer``.

    A free order (e.g. a member price of zero) is paid at once; an invoice order gets a
    numbered invoice; a card order waits for ``checkout_start`` and the Stripe webhook.
    """
    if not lines:
        raise PaymentError(_("The order is empty."))
    currency = currency or conf.default_currency()
    priced = []
    for request in lines:
        _check_line(buyer=buyer, request=request, firm=firm)
        quote = quote_for(item=request.item, user=buyer, currency=currency)
        if quote is None:
            raise PaymentError(
                _("%(item)s has no price in %(currency)s.")
                % {"item": request.item.name, "currency": currency}
            )
        priced.append((request, quote))
    total = sum(quote.unit_amount * request.quantity for request, quote in priced)
    if total == 0:
        method = PaymentMethod.FREE
    elif method == PaymentMethod.CARD and not conf.stripe_enabled():
        raise PaymentError(_("Card payments are not available; choose to pay by invoice."))
    elif method not in (PaymentMethod.CARD, PaymentMethod.INVOICE):
        raise PaymentError(_("Choose how to pay."))

    order = Order.objects.create(
        buyer=buyer,
        firm_ref=firm.key if firm else "",
        firm_name=firm.name if firm else "",
        billing_name=billing_name or (firm.name if firm else buyer.full_name or buyer.email),
        billing_address=billing_address,
        currency=currency,
        total=total,
        method=method,
    )
    OrderStatusChange.objects.create(
        order=order, to_status=OrderStatus.PENDING, actor=buyer, source="buyer"
    )
    for request, quote in priced:
        target_type, target_id, beneficiary = _target(buyer=buyer, request=request, firm=firm)
        description = request.item.name
        if request.item.kind in FIRM_KINDS and firm is not None:
            description = f"{request.item.name} — {firm.name}"
        OrderLine.objects.create(
            order=order,
            item=request.item,
            kind=request.item.kind,
            description=description,
            target_type=target_type,
            target_id=target_id,
            beneficiary=beneficiary,
            quantity=request.quantity,
            unit_amount=quote.unit_amount,
            amount=quote.unit_amount * request.quantity,
        )
    if method == PaymentMethod.FREE:
        payment_apply(order=order, source="system", reason="free of charge")
        return order
    for line in order.lines.filter(kind=Kind.COURSE_ENROLMENT):
        from courses.services import enrollment_create_pending

        enrollment_create_pending(user=buyer, course=line.item.course)
    if method == PaymentMethod.INVOICE:
        invoice_issue(order=order)
    return order


# --- Invoices -------------------------------------------------------------------------


def _next_number(counter_model, year: int) -> int:
    """The next number of ``year`` in a series (invoices, credit notes), without gaps: the
    counter row is locked until commit, so a rolled-back order or refund gives it back."""
    counter_model.objects.get_or_create(year=year)
    counter = counter_model.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def invoice_issue(*, order: Order, today: datetime.date | None = None) -> Invoice:
    """Numbers an invoice for a pending order (INV-<year>-<00001>) and mails it after commit."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    sequence = _next_number(InvoiceCounter, today.year)
    buyer_details = "\n".join(
        part for part in (order.billing_name, order.billing_address, order.buyer.email) if part
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
    from courses.payments.tasks import send_order_email

    transaction.on_commit(lambda: send_order_email.enqueue(order.pk, "invoice"))
    return invoice


# --- Payment and its consequences -----------------------------------------------------


@transaction.atomic
def payment_apply(
    *, order: Order, source: str, actor=None, event_id: str = "", reason: str = ""
) -> bool:
    """The order is paid (Stripe's webhook, staff recording a transfer, a free order):
    record it and grant every line. False if it cannot be (already paid, or refunded: a
    refund is final and never re-grants).

    The caller holds the order row locked (``select_for_update``) in its transaction.
    """
    if order.status == OrderStatus.PAID or not order.can_move_to(OrderStatus.PAID):
        return False
    _move(order, OrderStatus.PAID, source=source, actor=actor, event_id=event_id, reason=reason)
    for line in order.lines.select_related("item", "beneficiary", "order__buyer"):
        if line.state != LineState.WAITING:
            continue
        get_fulfilment(line.kind).grant(line)
        line.state = LineState.GRANTED
        line.save(update_fields=["state"])
    from courses.payments.tasks import send_order_email

    if order.total > 0:
        transaction.on_commit(lambda: send_order_email.enqueue(order.pk, "paid"))
    return True


def _release_lines(order: Order, reason: str) -> None:
    """An order that will not be paid lets go of the places it held."""
    for line in order.lines.all():
        if line.state != LineState.WAITING:
            continue
        if line.kind == Kind.COURSE_ENROLMENT:
            from courses.payments.fulfilments import course_release_pending

            course_release_pending(line, reason)
        line.state = LineState.NEVER_GRANTED
        line.save(update_fields=["state"])


@transaction.atomic
def order_release_unpaid(
    *, order: Order, to: str, source: str, actor=None, event_id: str = "", reason: str = ""
) -> None:
    """The order will not be paid (its payment failed, it was cancelled, its payment page
    expired): move it to ``to`` (failed or cancelled), record the move and let go of the
    places its lines held. Raises ``InvalidTransition`` if the move is not allowed.

    The caller holds the order row locked (``select_for_update``) in its transaction.
    """
    if to not in (OrderStatus.FAILED, OrderStatus.CANCELLED):
        raise InvalidTransition(_("An unpaid order ends failed or cancelled."))
    _move(order, to, source=source, actor=actor, event_id=event_id, reason=reason)
    _release_lines(order, reason)


@transaction.atomic
def order_mark_paid(*, order: Order, actor, reference: str) -> Order:
    """Staff record a payment received outside Stripe (an invoice paid by transfer)."""
    order = _lock(order)
    if not reference.strip():
        raise PaymentError(_("Give the payment reference (e.g. the bank transfer id)."))
    if order.status == OrderStatus.PAID:
        raise PaymentError(_("This order is already paid."))
    if not order.can_move_to(OrderStatus.PAID):
        raise PaymentError(
            _("A %(status)s order cannot be marked paid.") % {"status": order.get_status_display()}
        )
    order.payment_reference = reference.strip()
    order.save(update_fields=["payment_reference"])
    payment_apply(order=order, source="staff", actor=actor, reason=f"payment reference {reference}")
    return order


def order_cancel(*, order: Order, actor, reason: str) -> Order:
    """Staff (or the buyer) give up a pending order; nothing was paid.

    A card order's Stripe payment page is closed first, with no transaction open (a paid
    page cannot be closed: then nothing changes here, and the payment's webhook marks the
    order paid). Only then is the order cancelled, in its own transaction. Must not be
    called inside ``transaction.atomic()``.
    """
    order = Order.objects.get(pk=order.pk)
    if order.status != OrderStatus.PENDING:
        raise PaymentError(_("Only a pending order can be cancelled."))
    if order.method == PaymentMethod.CARD and order.stripe_session_id:
        from courses.payments.stripe_gateway import checkout_expire

        try:
            checkout_expire(order=order)
        except Exception as exc:
            raise PaymentError(
                _("The card payment could not be closed; it may have been paid. Try later.")
            ) from exc
    with transaction.atomic():
        order = _lock(order)
        if order.status == OrderStatus.CANCELLED:  # Stripe's "expired" event came first
            return order
        if order.status != OrderStatus.PENDING:  # paid (or failed) in the meantime
            raise PaymentError(_("Only a pending order can be cancelled."))
        order_release_unpaid(
            order=order,
            to=OrderStatus.CANCELLED,
            source="staff" if actor and is_secretariat(actor) else "buyer",
            actor=actor,
            reason=reason,
        )
    return order


# --- Refunds --------------------------------------------------------------------------


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
        _move(
            order,
            OrderStatus.REFUNDED,
            source=source,
            actor=refund.actor,
            event_id=event_id,
            reason=refund.reason,
        )
        _release_lines(order, refund.reason)  # refunded before the payment was even seen
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
    refund.number = f"CN-{today.year}-{_next_number(CreditNoteCounter, today.year):05d}"
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
def refund_partial_record(*, order: Order, amount_refunded: int) -> None:
    """Stripe reports part of the order's charge refunded (from its own dashboard): record
    how much went back in all; access is unchanged.

    The caller holds the order row locked (``select_for_update``) in its transaction.
    """
    order.amount_refunded = min(order.total, amount_refunded)
    order.save(update_fields=["amount_refunded"])


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
    return refund


def _refund_complete(refund: Refund, *, stripe_refund_id: str) -> RefundResult:
    """Stripe refunded: record it (once, however many retries report it)."""
    with transaction.atomic():
        order = _lock(refund.order)
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
        order = _lock(order)
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
    return _refund_send(refund)


def refund_retry(*, refund: Refund, actor) -> RefundResult:
    """Staff try again a card refund that failed, or whose outcome was never recorded (it
    stayed in progress). A failed refund is checked again first: what it covers must still
    be refundable, for the same amount. Whoever retries becomes the refund's actor. Must
    not be called inside ``transaction.atomic()``."""
    with transaction.atomic():
        order = _lock(refund.order)
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
    return _refund_send(refund)


# --- Exam sitting vouchers ------------------------------------------------------------


@transaction.atomic
def voucher_assign(*, voucher: SittingVoucher, person, actor, check: bool = True) -> SittingVoucher:
    """Gives one paid sitting of the pool to ``person`` (who must be an auditor)."""
    voucher = (
        SittingVoucher.objects.select_for_update().select_related("line__order").get(pk=voucher.pk)
    )
    if voucher.status != SittingVoucher.Status.UNASSIGNED:
        raise PaymentError(_("This sitting has already been assigned."))
    if voucher.line.order.status != OrderStatus.PAID:
        raise PaymentError(_("This sitting is not paid."))
    if check:
        if actor is None or (actor.pk != voucher.owner_id and not is_secretariat(actor)):
            raise PaymentError(_("You cannot assign this sitting."))
        if not hasattr(person, "auditor_profile"):
            raise PaymentError(
                _("Sittings can only be assigned to people with an auditor profile.")
            )
        if not may_assign_sitting(actor, person):
            raise PaymentError(_("This person is not one of your firm's auditors."))
    from courses.quiz.services import sitting_grant

    sitting = sitting_grant(
        user=person,
        quiz=voucher.quiz,
        source=f"payment:{voucher.line.order.number}:voucher:{voucher.pk}",
        assigned_by=actor,
    )
    voucher.status = SittingVoucher.Status.ASSIGNED
    voucher.assigned_to = person
    voucher.assigned_by = actor
    voucher.assigned_at = timezone.now()
    voucher.sitting_id = sitting.pk
    voucher.save(
        update_fields=["status", "assigned_to", "assigned_by", "assigned_at", "sitting_id"]
    )
    return voucher


__all__ = [
    "InvalidTransition",
    "LineRequest",
    "PaymentError",
    "RefundFailed",
    "RefundResult",
    "format_money",
    "invoice_issue",
    "order_cancel",
    "order_create",
    "order_mark_paid",
    "order_refund",
    "order_release_unpaid",
    "payment_apply",
    "refund_apply",
    "refund_partial_record",
    "refund_retry",
    "voucher_assign",
]
