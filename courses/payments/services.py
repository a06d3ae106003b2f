"""Writes of the payments app: orders, their status moves, invoices, refunds, vouchers.

Every status move goes through ``_move`` (checks the transitions map, writes an
``OrderStatusChange`` row). Access is granted only by ``_apply_paid`` (called by the
Stripe webhook, by staff marking an invoice paid, or for a free order) and taken back
only by ``_apply_refund``; both run with the order row locked (``select_for_update``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.payments import conf
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
from courses.payments.registry import FirmRef, firms_for_admin, get_fulfilment
from courses.payments.selectors import quote_for
from lms.permissions import is_firm_admin, is_secretariat

User = get_user_model()


class PaymentError(Exception):
    """A request the rules refuse; the message is safe to show to the person."""


class InvalidTransition(PaymentError):
    pass


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
        from courses.models import Course, EnrollmentStatus
        from courses.permissions import audience_allows
        from courses.selectors import open_enrollment, prerequisites_missing

        course = item.course
        if course.status != Course.Status.PUBLISHED or not audience_allows(buyer, course):
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
        _apply_paid(order, source="system", reason="free of charge")
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


def _apply_paid(
    order: Order, *, source: str, actor=None, event_id: str = "", reason: str = ""
) -> bool:
    """The (locked) order is paid: record it and grant every line. False if it cannot be
    (already paid, or refunded: a refund is final and never re-grants)."""
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


def _release_unpaid(order: Order, reason: str) -> None:
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
    _apply_paid(order, source="staff", actor=actor, reason=f"payment reference {reference}")
    return order


@transaction.atomic
def order_cancel(*, order: Order, actor, reason: str) -> Order:
    """Staff (or the buyer) give up a pending order; nothing was paid."""
    order = _lock(order)
    if order.status != OrderStatus.PENDING:
        raise PaymentError(_("Only a pending order can be cancelled."))
    if order.method == PaymentMethod.CARD and order.stripe_session_id:
        from courses.payments.stripe_gateway import checkout_expire

        try:  # close the payment page first: a paid session cannot be expired
            checkout_expire(order=order)
        except Exception as exc:
            raise PaymentError(
                _("The card payment could not be closed; it may have been paid. Try later.")
            ) from exc
    _move(
        order,
        OrderStatus.CANCELLED,
        source="staff" if actor and is_secretariat(actor) else "buyer",
        actor=actor,
        reason=reason,
    )
    _release_unpaid(order, reason)
    return order


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


def _apply_refund(
    order: Order,
    *,
    amount: int,
    method: str,
    reason: str,
    source: str,
    actor=None,
    reference: str = "",
    stripe_refund_id: str = "",
    event_id: str = "",
    units: dict[int, int] | None = None,
) -> RefundResult | None:
    """The (locked) order's money went back, in full (``units`` None) or for some units of
    some lines: record it, take back what is unused. None if the order is already refunded.
    The order becomes refunded once every unit is."""
    if order.status == OrderStatus.REFUNDED or not order.can_move_to(OrderStatus.REFUNDED):
        return None
    revoked, kept, covered = _refund_units(order, units, reason)
    order.amount_refunded = min(order.total, order.amount_refunded + amount)
    order.save(update_fields=["amount_refunded"])
    everything = units is None or not any(line.refundable_quantity for line in order.lines.all())
    if everything:
        _move(
            order,
            OrderStatus.REFUNDED,
            source=source,
            actor=actor,
            event_id=event_id,
            reason=reason,
        )
        _release_unpaid(order, reason)  # refunded before the payment was even seen
    outcome = []
    if revoked:
        outcome.append(_("Revoked: %(lines)s.") % {"lines": "; ".join(revoked)})
    if kept:
        outcome.append(_("Not revoked: %(lines)s.") % {"lines": "; ".join(kept)})
    today = timezone.localdate()
    refund = Refund.objects.create(
        order=order,
        amount=amount,
        method=method,
        reason=reason,
        reference=reference,
        stripe_refund_id=stripe_refund_id,
        actor=actor,
        outcome=" ".join(outcome),
        number=f"CN-{today.year}-{_next_number(CreditNoteCounter, today.year):05d}",
        issued_on=today,
        lines=covered,
    )
    from courses.payments.tasks import send_order_email

    transaction.on_commit(lambda: send_order_email.enqueue(order.pk, "refunded"))
    return RefundResult(refund=refund, revoked=revoked, not_revoked=kept)


@transaction.atomic
def order_refund(
    *, order: Order, actor, reason: str, reference: str = "", units: dict[int, int] | None = None
) -> RefundResult:
    """Staff refund a paid order: everything not yet refunded (``units`` None), or some
    units of some lines (``{line_id: units}``), through Stripe for card orders, recorded by
    hand (with the bank reference) otherwise. Unused items are taken back, used ones kept.
    The amount is the lines' unit prices times the units: never typed, never guessed."""
    order = _lock(order)
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
    amount = min(amount, order.total - order.amount_refunded)
    stripe_refund_id = ""
    method = Refund.Method.MANUAL
    if order.method == PaymentMethod.CARD and amount > 0:
        from courses.payments.stripe_gateway import refund_create

        stripe_refund = refund_create(order=order, amount=amount, reason=reason)
        stripe_refund_id = stripe_refund["id"]
        method = Refund.Method.STRIPE
    elif amount > 0 and not reference.strip():
        raise PaymentError(_("Give the reference of the bank transfer that returned the money."))
    result = _apply_refund(
        order,
        amount=amount,
        method=method,
        reason=reason,
        source="staff",
        actor=actor,
        reference=reference,
        stripe_refund_id=stripe_refund_id,
        units=units,
    )
    assert result is not None
    return result


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
        from courses.payments.registry import may_assign_sitting_hook

        hook = may_assign_sitting_hook()
        if hook is not None and not hook(actor, person):
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
    "RefundResult",
    "format_money",
    "invoice_issue",
    "order_cancel",
    "order_create",
    "order_mark_paid",
    "order_refund",
    "voucher_assign",
]
