"""Calls to Stripe's API go to a local fake on loopback; we assert what the library sent."""

import pytest
from django.core import mail

from courses.models import Enrollment, EnrollmentStatus
from courses.payments import services, stripe_gateway
from courses.payments.models import LineState, Order, OrderStatus, Refund
from tests.payments import stripe_events as se


@pytest.mark.django_db
def test_paying_by_card_creates_a_checkout_session_and_redirects_to_it(
    fake_stripe_api, buyer_client, course_item
):
    response = buyer_client.post(
        f"/payments/buy/course/{course_item.course.slug}/",
        {"method": "card", "currency": "EUR", "amount": "1", "unit_amount": "1"},
    )

    order = Order.objects.get()
    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    (sent,) = fake_stripe_api.posts("/v1/checkout/sessions")
    assert sent.headers["authorization"] == "Bearer sk_test_fake"
    assert sent.headers["idempotency-key"] == f"checkout-{order.public_id}"
    assert sent.params["mode"] == "payment"
    assert sent.params["line_items[0][price_data][unit_amount]"] == "20000"  # not the posted 1
    assert sent.params["line_items[0][price_data][currency]"] == "eur"
    assert sent.params["line_items[0][quantity]"] == "1"
    assert sent.params["metadata[order_id]"] == str(order.pk)
    assert sent.params["payment_intent_data[metadata][order_id]"] == str(order.pk)
    assert sent.params["client_reference_id"] == str(order.pk)
    assert sent.params["success_url"].startswith("http://testserver/payments/orders/")
    assert order.total == 20000 and order.stripe_session_id.startswith("cs_test_")
    assert order.status == OrderStatus.PENDING


@pytest.mark.django_db
def test_starting_checkout_twice_reuses_the_same_session(fake_stripe_api, card_order):
    first = stripe_gateway.checkout_start(order=card_order)
    second = stripe_gateway.checkout_start(order=card_order)

    assert first == second
    keys = {r.headers["idempotency-key"] for r in fake_stripe_api.posts("/v1/checkout/sessions")}
    assert keys == {f"checkout-{card_order.public_id}"}


@pytest.mark.django_db
def test_checkout_failure_leaves_the_order_pending_and_tells_the_buyer(
    fake_stripe_api, buyer_client, course_item
):
    fake_stripe_api.fail_next = (
        400,
        {"error": {"type": "invalid_request_error", "message": "Bad currency"}},
    )

    response = buyer_client.post(
        f"/payments/buy/course/{course_item.course.slug}/", {"method": "card", "currency": "EUR"}
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payments/orders/{order.public_id}/"
    assert order.status == OrderStatus.PENDING


def _paid_card_order(client, order):
    se.post(client, se.event("checkout.session.completed", se.session_object(order)))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


@pytest.mark.django_db
def test_staff_refund_of_a_card_order_calls_stripe_and_revokes_the_unused_place(
    fake_stripe_api, client, card_order, staff_user, django_capture_on_commit_callbacks
):
    order = _paid_card_order(client, card_order)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.order_refund(order=order, actor=staff_user, reason="Asked by buyer")

    (sent,) = fake_stripe_api.posts("/v1/refunds")
    assert sent.params["payment_intent"] == "pi_test_1"
    assert sent.params["amount"] == "20000"
    assert sent.params["metadata[order_id]"] == str(order.pk)
    refund = Refund.objects.get(order=order)
    assert sent.headers["idempotency-key"] == f"refund-{order.public_id}-{refund.pk}-1"
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert refund.status == Refund.Status.DONE and refund.number
    assert refund.stripe_refund_id.startswith("re_test_") and refund.actor == staff_user
    assert result.revoked and not result.not_revoked
    assert not Enrollment.objects.filter(user=order.buyer, status=EnrollmentStatus.ACTIVE)
    assert mail.outbox[-1].subject.endswith(f"Refund of order {order.number}")


@pytest.mark.django_db
def test_the_webhook_after_a_staff_refund_changes_nothing(
    fake_stripe_api, client, card_order, staff_user
):
    order = _paid_card_order(client, card_order)
    services.order_refund(order=order, actor=staff_user, reason="Asked by buyer")

    response = se.post(client, se.event("charge.refunded", se.charge_refunded_object(order)))

    assert response.json()["outcome"] == "ignored (refunded)"
    assert Refund.objects.filter(order=order).count() == 1


@pytest.mark.django_db
def test_a_refund_stripe_refuses_keeps_the_order_paid_and_is_recorded_as_failed(
    fake_stripe_api, client, card_order, staff_user
):
    order = _paid_card_order(client, card_order)
    fake_stripe_api.fail_next = (
        400,
        {"error": {"type": "invalid_request_error", "message": "Charge already refunded"}},
    )

    with pytest.raises(services.RefundFailed, match="Charge already refunded"):
        services.order_refund(order=order, actor=staff_user, reason="Asked by buyer")

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.amount_refunded == 0
    assert order.lines.get().state == LineState.GRANTED
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.FAILED and refund.number is None
    assert "Charge already refunded" in refund.error


@pytest.mark.django_db
def test_the_buyer_cancelling_a_card_order_closes_its_stripe_session(
    fake_stripe_api, buyer_client, card_order
):
    stripe_gateway.checkout_start(order=card_order)
    card_order.refresh_from_db()

    response = buyer_client.post(f"/payments/orders/{card_order.public_id}/cancel/")

    assert response.status_code == 302
    (sent,) = fake_stripe_api.posts(f"/v1/checkout/sessions/{card_order.stripe_session_id}/expire")
    assert sent.headers["idempotency-key"] == f"expire-{card_order.public_id}"
    card_order.refresh_from_db()
    assert card_order.status == OrderStatus.CANCELLED
    assert card_order.history.last().source == "buyer"


@pytest.mark.django_db
def test_a_partial_refund_of_a_card_order_asks_stripe_for_that_amount_only(
    fake_stripe_api, client, buyer, course_item, exam_item, staff_user
):
    order = services.order_create(
        buyer=buyer,
        lines=[services.LineRequest(item=course_item), services.LineRequest(item=exam_item)],
        method="card",
        currency="EUR",
    )
    order = _paid_card_order(client, order)
    sitting_line = order.lines.get(kind="exam_sitting")

    first = services.order_refund(
        order=order, actor=staff_user, reason="No exam after all", units={sitting_line.pk: 1}
    ).refund

    (sent,) = fake_stripe_api.posts("/v1/refunds")
    assert sent.params["amount"] == "15000"
    assert sent.headers["idempotency-key"] == f"refund-{order.public_id}-{first.pk}-1"
    # Stripe then reports the charge partly refunded: nothing more changes.
    event = se.event("charge.refunded", se.charge_refunded_object(order, amount_refunded=15000))
    assert se.post(client, event).json()["outcome"] == "partially_refunded"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.amount_refunded == 15000
    assert Enrollment.objects.get(user=buyer).status == EnrollmentStatus.ACTIVE

    rest = services.order_refund(order=order, actor=staff_user, reason="And the course").refund

    second = fake_stripe_api.posts("/v1/refunds")[-1]
    assert second.params["amount"] == "20000"  # the rest, never the whole total again
    assert second.headers["idempotency-key"] == f"refund-{order.public_id}-{rest.pk}-1"
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.amount_refunded == 35000
