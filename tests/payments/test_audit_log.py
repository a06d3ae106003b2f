"""One audit log: every payments mutation that matters writes one entry through
``lms.audit.record`` (action, actor, object); events from Stripe's webhook have no actor.
The dated ``OrderStatusChange`` rows stay as the order's own history."""

import pytest
from django.contrib.contenttypes.models import ContentType

from courses.payments import services
from courses.payments.models import Order, Refund, SittingVoucher
from lms.audit import entries_for
from tests.payments import stripe_events as se
from tests.payments.test_refund_outcomes import REFUSED

pytestmark = pytest.mark.django_db


def _actions(instance) -> list[str]:
    return [entry.action for entry in reversed(entries_for(instance))]


def _entry(instance, action: str):
    (entry,) = [e for e in entries_for(instance) if e.action == action]
    assert entry.content_type == ContentType.objects.get_for_model(instance)
    assert entry.object_id == str(instance.pk)
    return entry


def _invoice_order(buyer, item):
    return services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=item)], method="invoice"
    )


def test_staff_marking_an_invoice_paid_writes_one_entry_with_the_staff_member(
    no_stripe, buyer, course_item, staff_user
):
    order = _invoice_order(buyer, course_item)

    services.order_mark_paid(order=order, actor=staff_user, reference="SEPA-77")

    entry = _entry(order, "payments.order.marked_paid")
    assert entry.user == staff_user and entry.data["reference"] == "SEPA-77"
    assert _actions(order) == ["payments.order.created", "payments.order.marked_paid"]
    created = _entry(order, "payments.order.created")
    assert created.user == buyer and created.data["total"] == 20000
    assert _entry(order.invoice, "payments.invoice.issued").user == buyer
    assert order.history.count() == 2  # the dated status rows stay


def test_assigning_a_sitting_writes_an_entry_about_the_voucher_by_the_firm_admin(
    no_stripe, firm_admin, exam_item, auditor_of_firm_admin, staff_user
):
    order = services.order_create(
        buyer=firm_admin,
        lines=[services.LineRequest(item=exam_item, quantity=2, for_firm_pool=True)],
        method="invoice",
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-V")
    voucher = SittingVoucher.objects.order_by("pk").first()

    services.voucher_assign(voucher=voucher, person=auditor_of_firm_admin, actor=firm_admin)

    entry = _entry(voucher, "payments.voucher.assigned")
    assert entry.user == firm_admin
    assert entry.data["person"] == auditor_of_firm_admin.pk
    assert entry.data["order"] == order.number
    other = SittingVoucher.objects.order_by("pk").last()
    assert _actions(other) == []  # still in the pool


def test_a_partial_refund_seen_from_stripe_writes_an_entry_with_no_actor(client, card_order):
    se.post(client, se.event("checkout.session.completed", se.session_object(card_order)))
    refunded = se.event(
        "charge.refunded", se.charge_refunded_object(card_order, amount_refunded=500)
    )

    se.post(client, refunded)

    entry = _entry(card_order, "payments.refund.partial_recorded")
    assert entry.user is None
    assert entry.data["amount_refunded"] == 500 and entry.data["previously_refunded"] == 0
    assert entry.data["event_id"] == refunded["id"]
    paid = _entry(card_order, "payments.order.paid")
    assert paid.user is None and paid.data["source"] == "stripe"


def test_a_staff_refund_by_hand_writes_the_refund_and_its_credit_note(
    no_stripe, buyer, course_item, staff_user
):
    order = _invoice_order(buyer, course_item)
    services.order_mark_paid(order=order, actor=staff_user, reference="B-1")

    result = services.order_refund(
        order=order, actor=staff_user, reason="Goodwill", reference="B-R"
    )

    refund = result.refund
    completed = _entry(refund, "payments.refund.completed")
    assert completed.user == staff_user and completed.data["reason"] == "Goodwill"
    assert completed.data["amount"] == 20000
    credit_note = _entry(refund, "payments.credit_note.issued")
    assert credit_note.data["number"] == refund.number


def test_a_card_refund_writes_requested_failed_retried_and_completed(
    fake_stripe_api, paid_card_order, staff_user
):
    fake_stripe_api.fail_next = REFUSED
    with pytest.raises(services.RefundFailed):
        services.order_refund(order=paid_card_order, actor=staff_user, reason="Asked")
    refund = Refund.objects.get()

    services.refund_retry(refund=refund, actor=staff_user)

    assert _actions(refund) == [
        "payments.refund.requested",
        "payments.refund.failed",
        "payments.refund.retried",
        "payments.refund.completed",
        "payments.credit_note.issued",
    ]
    assert all(entry.user == staff_user for entry in entries_for(refund))
    assert "Card issuer unreachable" in _entry(refund, "payments.refund.failed").data["error"]


def test_a_whole_refund_seen_from_stripe_is_completed_with_no_actor(client, paid_card_order):
    se.post(client, se.event("charge.refunded", se.charge_refunded_object(paid_card_order)))

    refund = Refund.objects.get()
    assert _entry(refund, "payments.refund.completed").user is None


def test_cancelling_and_an_expired_payment_page_are_told_apart(
    client, buyer, course_item, exam_item, auditor, fake_stripe_api
):
    cancelled = _invoice_order(buyer, course_item)
    services.order_cancel(order=cancelled, actor=buyer, reason="changed my mind")
    expired = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=exam_item)], method="card"
    )

    se.post(client, se.event("checkout.session.expired", se.session_object(expired)))

    entry = _entry(cancelled, "payments.order.cancelled")
    assert entry.user == buyer and entry.data == {"source": "buyer", "reason": "changed my mind"}
    released = _entry(Order.objects.get(pk=expired.pk), "payments.order.released")
    assert released.user is None and released.data["status"] == "cancelled"


def test_a_free_order_is_paid_by_the_system(no_stripe, member, course_item):
    order = services.order_create(
        buyer=member, lines=[services.LineRequest(item=course_item)], method="invoice"
    )

    assert _actions(order) == ["payments.order.created", "payments.order.paid"]
    assert _entry(order, "payments.order.paid").user is None


def test_every_payments_action_is_registered_with_a_label():
    from wagtail.log_actions import registry

    codes = [
        "payments.order.created",
        "payments.order.paid",
        "payments.order.marked_paid",
        "payments.order.cancelled",
        "payments.order.released",
        "payments.invoice.issued",
        "payments.refund.requested",
        "payments.refund.retried",
        "payments.refund.completed",
        "payments.refund.failed",
        "payments.refund.partial_recorded",
        "payments.credit_note.issued",
        "payments.voucher.assigned",
    ]
    assert all(registry.action_exists(code) and registry.get_action_label(code) for code in codes)
