"""A correctly signed Stripe event of the wrong shape is a 400: logged, nothing written."""

import json
import logging

import pytest

from courses.payments.models import Order, OrderStatus, StripeEvent
from tests.payments import stripe_events as se

pytestmark = pytest.mark.django_db


def _completed(order, **changes) -> dict:
    event = se.event("checkout.session.completed", se.session_object(order))
    event["data"]["object"].update(changes)
    return event


def _assert_refused(client, event, caplog, order):
    with caplog.at_level(logging.WARNING, logger="courses.payments.webhooks"):
        response = client.post(
            "/payments/stripe/webhook/",
            data=json.dumps(event).encode(),
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=se.sign(json.dumps(event).encode()),
        )
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert "stripe event refused" in caplog.text


@pytest.fixture
def refusing_client(client):
    client.raise_request_exception = False
    return client


def test_signed_event_whose_data_object_is_a_string_is_refused_with_400(
    refusing_client, card_order, caplog
):
    event = _completed(card_order)
    event["data"]["object"] = "cs_test_not_an_object"

    _assert_refused(refusing_client, event, caplog, card_order)


@pytest.mark.parametrize(
    "data",
    [None, "a string", [], {"object": None}, {"object": ["a", "list"]}, {"object": 12}],
    ids=["null", "string", "list", "object-null", "object-list", "object-number"],
)
def test_signed_event_whose_data_is_not_an_object_holder_is_refused_with_400(
    refusing_client, card_order, caplog, data
):
    event = _completed(card_order)
    event["data"] = data

    _assert_refused(refusing_client, event, caplog, card_order)


@pytest.mark.parametrize(
    "changes",
    [
        {"metadata": "order 1"},
        {"metadata": {"order_id": ["1"]}},
        {"amount_total": "20000"},
        {"amount_total": True},
        {"payment_intent": {"id": "pi_1"}},
        {"currency": 978},
        {"id": "cs_" + "x" * 300},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_signed_event_with_a_field_of_the_wrong_type_is_refused_with_400(
    refusing_client, card_order, caplog, changes
):
    _assert_refused(refusing_client, _completed(card_order, **changes), caplog, card_order)


@pytest.mark.parametrize(
    "changes",
    [{"id": ""}, {"id": 42}, {"id": "evt_" + "x" * 300}, {"type": ["checkout"]}],
    ids=["empty-id", "numeric-id", "overlong-id", "list-type"],
)
def test_signed_event_without_a_usable_id_or_type_is_refused_with_400(
    refusing_client, card_order, caplog, changes
):
    event = {**_completed(card_order), **changes}

    _assert_refused(refusing_client, event, caplog, card_order)


def test_signed_charge_event_with_an_order_id_beyond_any_column_is_an_unknown_order(
    client, webhook_secret
):
    event = se.event(
        "checkout.session.completed",
        {"id": "cs_test_x", "metadata": {"order_id": "9" * 30}, "payment_status": "paid"},
    )

    response = se.post(client, event)

    assert response.status_code == 200
    assert response.json()["outcome"] == "unknown_order"


def test_a_well_formed_event_is_still_applied_after_the_shape_check(client, card_order):
    response = se.post(client, _completed(card_order))

    assert response.status_code == 200
    assert response.json()["outcome"] == "paid"
