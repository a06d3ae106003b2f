"""Orders: placing them (``order_create``, ``firm_fee_checkout``), moving their status,
and what follows a payment or its absence.

Every status move goes through ``order_move`` (checks the transitions map, writes an
``OrderStatusChange`` row, the domain's dated history). Access is granted only by
``payment_apply`` (the Stripe webhook, a free order) or ``order_mark_paid`` (staff
recording a transfer), all with the order row locked (``select_for_update``). Each of
these writes one audit entry (``payments.order.*``) through ``lms.audit.record``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.payments import conf, permissions
from courses.payments.fulfilments import course_release_pending, get_fulfilment
from courses.payments.models import (
    FIRM_KINDS,
    CatalogueItem,
    Kind,
    LineState,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
)
from courses.payments.selectors import quote_for
from courses.payments.services.errors import InvalidTransition, PaymentError
from courses.payments.services.invoices import invoice_issue
from lms import audit


@dataclass(frozen=True)
class LineRequest:
    """One thing the buyer asks for. Never carries an amount: prices are looked up."""

    item: CatalogueItem
    quantity: int = 1
    for_firm_pool: bool = False  # exam sittings bought by a firm admin for their auditors


@dataclass(frozen=True)
class _Firm:
    """The firm a fee is paid for, as an order line refers to it: ``app_label.model``, its
    primary key, and its name as printed on the invoice."""

    target_type: str
    target_id: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.target_type}:{self.target_id}"


# --- Status moves ---------------------------------------------------------------------


def order_lock(*, order: Order) -> Order:
    """The order read again with its row locked until the transaction ends."""
    return Order.objects.select_for_update().get(pk=order.pk)


def order_move(
    *,
    order: Order,
    to: str,
    source: str,
    actor=None,
    event_id: str = "",
    reason: str = "",
) -> None:
    """Moves the order to ``to`` and writes the dated status row. Raises
    ``InvalidTransition`` if the transitions map does not allow the move.

    The caller holds the order row locked (``order_lock``) in its transaction and writes
    the audit entry of the mutation the move belongs to.
    """
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


# --- Creating orders ------------------------------------------------------------------


def _check_course_line(*, buyer, request: LineRequest) -> None:
    from courses.models import EnrollmentStatus
    from courses.permissions import audience_allows
    from courses.selectors import open_enrollment, prerequisites_missing

    if request.quantity != 1 or request.for_firm_pool:
        raise PaymentError(_("A course place is bought one at a time, for yourself."))
    course = request.item.course
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


def _check_line(*, buyer, request: LineRequest, firm: _Firm | None) -> None:
    item = request.item
    if not item.is_on_sale():
        raise PaymentError(_("%(item)s is not on sale.") % {"item": item.name})
    if request.quantity < 1 or request.quantity > conf.max_quantity():
        raise PaymentError(
            _("Choose a quantity between 1 and %(max)d.") % {"max": conf.max_quantity()}
        )
    if item.kind == Kind.COURSE_ENROLMENT:
        _check_course_line(buyer=buyer, request=request)
    elif item.kind == Kind.EXAM_SITTING:
        if request.for_firm_pool and not permissions.can_buy_for_firm(buyer):
            raise PaymentError(_("Only audit firm admins buy sittings for their auditors."))
        if not request.for_firm_pool and request.quantity != 1:
            raise PaymentError(_("For yourself, buy one sitting at a time."))
    elif item.kind in FIRM_KINDS:
        if firm is None:
            raise PaymentError(_("A firm fee is paid from the page of the firm it is for."))
        if request.quantity != 1:
            raise PaymentError(_("A firm fee is paid once."))


def _target(*, buyer, request: LineRequest, firm: _Firm | None) -> tuple[str, str, object]:
    """(target_type, target_id, beneficiary) of a line."""
    item = request.item
    if item.kind == Kind.COURSE_ENROLMENT:
        return "courses.course", str(item.course_id), buyer
    if item.kind == Kind.EXAM_SITTING:
        return "quiz.quiz", str(item.quiz_id), None if request.for_firm_pool else buyer
    assert firm is not None  # checked by _check_line
    return firm.target_type, firm.target_id, None


def _order_place(
    *,
    buyer,
    lines: list[LineRequest],
    method: str,
    currency: str | None,
    firm: _Firm | None,
    billing_name: str,
    billing_address: str,
    billing_country: str,
) -> Order:
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
        billing_country=billing_country,
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
    audit.record(
        "payments.order.created",
        instance=order,
        user=buyer,
        data={
            "total": total,
            "currency": currency,
            "method": method,
            "items": [request.item.pk for request, _quote in priced],
            "firm": firm.key if firm else "",
        },
    )
    if method == PaymentMethod.FREE:
        payment_apply(order=order, source="system", reason="free of charge")
        return order
    for line in order.lines.filter(kind=Kind.COURSE_ENROLMENT):
        from courses.services import enrollment_create_pending

        enrollment_create_pending(user=buyer, course=line.item.course)
    if method == PaymentMethod.INVOICE:
        invoice_issue(order=order, actor=buyer)
    return order


@transaction.atomic
def order_create(
    *,
    buyer,
    lines: list[LineRequest],
    method: str,
    currency: str | None = None,
    billing_name: str = "",
    billing_address: str = "",
    billing_country: str = "",
) -> Order:
    """Creates a pending order priced from the catalogue for ``buyer``.

    A free order (e.g. a member price of zero) is paid at once; an invoice order gets a
    numbered invoice; a card order waits for ``checkout_start`` and the Stripe webhook.
    A firm fee is not bought here but with ``firm_fee_checkout``, for one firm.
    """
    return _order_place(
        buyer=buyer,
        lines=lines,
        method=method,
        currency=currency,
        firm=None,
        billing_name=billing_name,
        billing_address=billing_address,
        billing_country=billing_country,
    )


@transaction.atomic
def firm_fee_checkout(
    *,
    buyer,
    firm: models.Model,
    item: CatalogueItem,
    method: str,
    currency: str | None = None,
    billing_name: str = "",
    billing_address: str = "",
    billing_country: str = "",
) -> Order:
    """Creates the order of one firm fee (``item``, of a firm kind) that ``buyer`` pays
    for ``firm``, invoiced to the firm's name unless a billing name is given.

    ``firm`` is the model instance the caller has already checked ``buyer`` may pay for
    (payments does not know who runs a firm). The order line refers to it generically:
    its ``app_label.model``, primary key and printed name.
    """
    if item.kind not in FIRM_KINDS:
        raise PaymentError(_("%(item)s is not a firm fee.") % {"item": item.name})
    target = _Firm(target_type=firm._meta.label_lower, target_id=str(firm.pk), name=str(firm))
    return _order_place(
        buyer=buyer,
        lines=[LineRequest(item=item)],
        method=method,
        currency=currency,
        firm=target,
        billing_name=billing_name,
        billing_address=billing_address,
        billing_country=billing_country,
    )


# --- Payment and its consequences -----------------------------------------------------


def _grant(*, order: Order, source: str, actor, event_id: str, reason: str) -> bool:
    if order.status == OrderStatus.PAID or not order.can_move_to(OrderStatus.PAID):
        return False
    order_move(
        order=order,
        to=OrderStatus.PAID,
        source=source,
        actor=actor,
        event_id=event_id,
        reason=reason,
    )
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


@transaction.atomic
def payment_apply(
    *, order: Order, source: str, actor=None, event_id: str = "", reason: str = ""
) -> bool:
    """The order is paid (Stripe's webhook, a free order): record it and grant every
    line. False if it cannot be (already paid, or refunded: a refund is final and never
    re-grants).

    The caller holds the order row locked (``select_for_update``) in its transaction.
    """
    if not _grant(order=order, source=source, actor=actor, event_id=event_id, reason=reason):
        return False
    audit.record(
        "payments.order.paid",
        instance=order,
        user=actor,
        reason=reason,
        data={"source": source, "event_id": event_id, "total": order.total},
    )
    return True


def order_release_lines(*, order: Order, reason: str) -> None:
    """An order that will not be paid (or was refunded before its payment was seen) lets
    go of the places its lines held."""
    for line in order.lines.all():
        if line.state != LineState.WAITING:
            continue
        if line.kind == Kind.COURSE_ENROLMENT:
            course_release_pending(line, reason)
        line.state = LineState.NEVER_GRANTED
        line.save(update_fields=["state"])


def _release(*, order: Order, to: str, source: str, actor, event_id: str, reason: str) -> None:
    if to not in (OrderStatus.FAILED, OrderStatus.CANCELLED):
        raise InvalidTransition(_("An unpaid order ends failed or cancelled."))
    order_move(order=order, to=to, source=source, actor=actor, event_id=event_id, reason=reason)
    order_release_lines(order=order, reason=reason)


@transaction.atomic
def order_release_unpaid(
    *, order: Order, to: str, source: str, actor=None, event_id: str = "", reason: str = ""
) -> None:
    """The order will not be paid (its payment failed, its payment page expired): move it
    to ``to`` (failed or cancelled), record the move and let go of the places its lines
    held. Raises ``InvalidTransition`` if the move is not allowed.

    The caller holds the order row locked (``select_for_update``) in its transaction.
    """
    _release(order=order, to=to, source=source, actor=actor, event_id=event_id, reason=reason)
    audit.record(
        "payments.order.released",
        instance=order,
        user=actor,
        reason=reason,
        data={"status": to, "source": source, "event_id": event_id},
    )


@transaction.atomic
def order_mark_paid(*, order: Order, actor, reference: str) -> Order:
    """Staff record a payment received outside Stripe (an invoice paid by transfer)."""
    order = order_lock(order=order)
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
    _grant(
        order=order,
        source="staff",
        actor=actor,
        event_id="",
        reason=f"payment reference {reference}",
    )
    audit.record(
        "payments.order.marked_paid",
        instance=order,
        user=actor,
        data={"reference": order.payment_reference, "total": order.total},
    )
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
        order = order_lock(order=order)
        if order.status == OrderStatus.CANCELLED:  # Stripe's "expired" event came first
            return order
        if order.status != OrderStatus.PENDING:  # paid (or failed) in the meantime
            raise PaymentError(_("Only a pending order can be cancelled."))
        source = "staff" if permissions.acts_as_staff(actor) else "buyer"
        _release(
            order=order,
            to=OrderStatus.CANCELLED,
            source=source,
            actor=actor,
            event_id="",
            reason=reason,
        )
        audit.record(
            "payments.order.cancelled",
            instance=order,
            user=actor,
            reason=reason,
            data={"source": source},
        )
    return order
