"""Stripe is never called inside a database transaction: a card refund is recorded "in
progress", committed, sent, and its outcome recorded; a refused refund is failed (the
order as it was) and can be retried; a refund whose outcome was lost is retried with the
same idempotency key, so the money goes back once."""

from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from courses.payments import services, stripe_gateway
from courses.payments.basket import BasketError
from courses.payments.models import LineState, OrderStatus, Refund
from lms.errors import ServiceError
from tests.payments import stripe_events as se

REFUSED = (400, {"error": {"type": "invalid_request_error", "message": "Card issuer unreachable"}})


def _credit_note(number: int) -> str:
    return f"CN-{timezone.localdate().year}-{number:05d}"


@pytest.mark.django_db(transaction=True)
def test_checkout_cancel_and_refund_call_stripe_with_no_transaction_open(
    fake_stripe_api, buyer, course_item, staff_user, client
):
    to_cancel = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="card"
    )
    stripe_gateway.checkout_start(order=to_cancel)
    services.order_cancel(order=to_cancel, actor=buyer, reason="changed my mind")
    to_refund = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="card"
    )
    se.post(client, se.event("checkout.session.completed", se.session_object(to_refund)))
    assert not connection.in_atomic_block  # a transactional test: nothing wraps it
    services.order_refund(order=to_refund, actor=staff_user, reason="Asked by buyer")

    paths = [r.path for r in fake_stripe_api.requests]
    assert paths[-1] == "/v1/refunds" and any(p.endswith("/expire") for p in paths)
    # session, expiry, refund: none made while a transaction was open
    assert fake_stripe_api.open_transactions == [0, 0, 0]
    to_cancel.refresh_from_db()
    to_refund.refresh_from_db()
    assert to_cancel.status == OrderStatus.CANCELLED
    assert to_refund.status == OrderStatus.REFUNDED


@pytest.mark.django_db
def test_the_watch_sees_a_call_to_stripe_made_inside_a_transaction(fake_stripe_api, card_order):
    from django.db import transaction

    with transaction.atomic():
        stripe_gateway.checkout_start(order=card_order)

    assert fake_stripe_api.calls_inside_a_transaction() == [0]
    fake_stripe_api.open_transactions.clear()  # this test made the call on purpose


@pytest.mark.django_db
def test_a_refused_refund_is_failed_uses_no_number_and_a_retry_refunds_with_a_new_key(
    fake_stripe_api, paid_card_order, staff_user
):
    order = paid_card_order
    fake_stripe_api.fail_next = REFUSED

    with pytest.raises(services.RefundFailed) as refused:
        services.order_refund(order=order, actor=staff_user, reason="Asked by buyer")

    refund = refused.value.refund
    assert refund.status == Refund.Status.FAILED and refund.number is None
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.PAID, 0)
    assert order.lines.get().state == LineState.GRANTED

    result = services.refund_retry(refund=refund, actor=staff_user)

    first, second = fake_stripe_api.posts("/v1/refunds")
    assert first.headers["idempotency-key"] == f"refund-{order.public_id}-{refund.pk}-1"
    assert second.headers["idempotency-key"] == f"refund-{order.public_id}-{refund.pk}-2"
    refund.refresh_from_db()
    assert result.refund.pk == refund.pk and result.revoked
    assert refund.status == Refund.Status.DONE and refund.error == ""
    assert refund.number == _credit_note(1)  # the failure used no number
    assert refund.stripe_refund_id.startswith("re_test_")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.REFUNDED, 20000)


@pytest.mark.django_db
def test_a_refund_whose_outcome_was_not_recorded_is_retried_with_the_same_key_and_paid_once(
    fake_stripe_api, client, paid_card_order, staff_user
):
    order = paid_card_order
    down = RuntimeError("the courses app is down")  # after Stripe refunded, before we record
    with (
        mock.patch("courses.selectors.enrollment_is_started", side_effect=down),
        pytest.raises(RuntimeError),
    ):
        services.order_refund(order=order, actor=staff_user, reason="Asked by buyer")

    refund = Refund.objects.get()
    assert refund.status == Refund.Status.IN_PROGRESS  # Stripe refunded; we do not know yet
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.PAID, 0)
    # Stripe's own "charge refunded" event meanwhile changes nothing: the refund will.
    event = se.event("charge.refunded", se.charge_refunded_object(order))
    assert se.post(client, event).json()["outcome"] == "refund_in_progress"
    with pytest.raises(services.PaymentError, match="already in progress"):
        services.order_refund(order=order, actor=staff_user, reason="Again")

    services.refund_retry(refund=refund, actor=staff_user)

    first, second = fake_stripe_api.posts("/v1/refunds")
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len({r.params["amount"] for r in (first, second)}) == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.DONE and refund.number == _credit_note(1)
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.REFUNDED, 20000)
    assert Refund.objects.count() == 1


@pytest.mark.django_db
def test_a_done_refund_cannot_be_retried(fake_stripe_api, paid_card_order, staff_user):
    refund = services.order_refund(
        order=paid_card_order, actor=staff_user, reason="Asked by buyer"
    ).refund

    with pytest.raises(services.PaymentError):
        services.refund_retry(refund=refund, actor=staff_user)
    assert len(fake_stripe_api.posts("/v1/refunds")) == 1


@pytest.mark.django_db
def test_a_card_order_whose_payment_page_cannot_be_closed_stays_pending_and_unchanged(
    fake_stripe_api, card_order, buyer
):
    stripe_gateway.checkout_start(order=card_order)
    fake_stripe_api.fail_next = REFUSED

    with pytest.raises(services.PaymentError, match="could not be closed"):
        services.order_cancel(order=card_order, actor=buyer, reason="changed my mind")

    card_order.refresh_from_db()
    assert card_order.status == OrderStatus.PENDING
    assert card_order.history.count() == 1  # only its creation
    assert card_order.lines.get().state == LineState.WAITING


@pytest.mark.django_db
def test_staff_see_a_failed_refund_on_the_order_page_and_retry_it(
    fake_stripe_api, paid_card_order, staff_client
):
    order = paid_card_order
    url = f"/admin/payments/order/{order.pk}/"
    fake_stripe_api.fail_next = REFUSED
    line = order.lines.get()

    response = staff_client.post(
        url,
        {"action": "refund", "reason": "Asked", f"units_{line.pk}": "1", "confirm": "on"},
    )

    page = response.content.decode()
    refund = Refund.objects.get()
    assert response.status_code == 200 and refund.status == Refund.Status.FAILED
    assert "Card issuer unreachable" in page and "Retry the refund" in page
    messages = [str(m) for m in response.context["messages"]]
    assert any("recorded as failed" in m for m in messages)

    response = staff_client.post(url, {"action": "retry_refund", "refund": refund.pk}, follow=True)

    refund.refresh_from_db()
    assert refund.status == Refund.Status.DONE
    assert any("Refunded EUR 200.00" in str(m) for m in response.context["messages"])
    assert "Retry the refund" not in response.content.decode()


@pytest.mark.django_db
def test_the_buyer_does_not_see_a_failed_refund_as_a_refund(
    fake_stripe_api, paid_card_order, staff_user, buyer_client
):
    fake_stripe_api.fail_next = REFUSED
    with pytest.raises(services.RefundFailed):
        services.order_refund(order=paid_card_order, actor=staff_user, reason="Asked")

    page = buyer_client.get(f"/payments/orders/{paid_card_order.public_id}/").content.decode()

    assert "Refunds" not in page


def test_every_refusal_of_payments_is_a_service_error_with_its_message():
    for error in (
        services.PaymentError("no"),
        services.InvalidTransition("no"),
        BasketError("no"),
        stripe_gateway.CheckoutUnavailable("no"),
    ):
        assert isinstance(error, ServiceError) and error.message == str(error) == "no"


@pytest.mark.django_db
def test_a_refund_stripe_cannot_be_reached_for_stays_in_progress_and_the_retry_keeps_its_key(
    fake_stripe_api, paid_card_order, staff_user, settings
):
    import socket

    with socket.socket() as unused:  # a loopback port nothing listens on
        unused.bind(("127.0.0.1", 0))
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{unused.getsockname()[1]}"

    with pytest.raises(services.RefundFailed, match="could not be reached"):
        services.order_refund(order=paid_card_order, actor=staff_user, reason="Asked by buyer")

    refund = Refund.objects.get()
    assert refund.status == Refund.Status.IN_PROGRESS and refund.attempt == 1
    paid_card_order.refresh_from_db()
    assert paid_card_order.status == OrderStatus.PAID

    settings.STRIPE_API_BASE = fake_stripe_api.url
    services.refund_retry(refund=refund, actor=staff_user)

    (sent,) = fake_stripe_api.posts("/v1/refunds")
    assert sent.headers["idempotency-key"] == f"refund-{paid_card_order.public_id}-{refund.pk}-1"
    refund.refresh_from_db()
    assert refund.status == Refund.Status.DONE and refund.number == _credit_note(1)
