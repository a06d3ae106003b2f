"""The basket: several catalogue items, priced on the server, paid for in one order."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, EnrollmentStatus
from courses.payments.models import Order, OrderStatus
from tests.payments.factories import BILLING

pytestmark = pytest.mark.django_db

BASKET = "/payments/basket/"


def _add(client, item, **extra):
    return client.post(reverse("payments:basket_add"), {"item": item.pk, **extra})


def test_two_items_become_one_order_with_two_lines_and_one_invoice(
    no_stripe, buyer_client, buyer, course_item, exam_item
):
    _add(buyer_client, course_item)
    _add(buyer_client, exam_item)
    _add(buyer_client, exam_item)  # for yourself: once is enough
    page = buyer_client.get(BASKET).content.decode()
    assert "Course: Chain of Custody basics" in page and "Exam sitting" in page
    assert "EUR 350.00" in page  # 200 + 150, priced on the server
    assert "Basket (2 items)" in page

    response = buyer_client.post(
        BASKET,
        {
            **BILLING,
            "method": "invoice",
            "currency": "EUR",
            "billing_name": "Bea",
            "total": "1",
            "amount": "1",
        },
    )

    order = Order.objects.get()
    assert response.status_code == 302 and str(order.public_id) in response.url
    assert order.total == 35000 and order.status == OrderStatus.PENDING
    assert sorted(order.lines.values_list("unit_amount", "quantity")) == [(15000, 1), (20000, 1)]
    assert order.invoice.number
    enrollment = Enrollment.objects.get(user=buyer, course=course_item.course)
    assert enrollment.status == EnrollmentStatus.PENDING_PAYMENT
    assert "Your basket is empty." in buyer_client.get(BASKET).content.decode()


def test_a_firm_admin_buys_sittings_for_the_firm_with_a_course_in_one_order(
    no_stripe, firm_admin, exam_item, course_item
):
    client = Client()
    client.force_login(firm_admin)
    _add(client, exam_item, **{"for": "firm", "quantity": "3"})
    _add(client, exam_item, **{"for": "firm", "quantity": "2"})  # sittings add up
    _add(client, course_item)
    page = client.get(BASKET).content.decode()
    assert "EUR 950.00" in page  # 5 x 150 + 200

    client.post(BASKET, {"method": "invoice", "currency": "EUR", **BILLING})

    order = Order.objects.get()
    assert order.total == 95000 and order.firm_name == ""
    lines = {line.kind: line for line in order.lines.all()}
    assert lines["exam_sitting"].quantity == 5 and lines["exam_sitting"].beneficiary is None
    assert lines["course_enrolment"].beneficiary == firm_admin


def test_a_firm_fee_is_not_put_in_the_basket_but_paid_from_the_firms_page(
    no_stripe, firm, firm_admin, firm_item
):
    client = Client()
    client.force_login(firm_admin)
    back = f"/payments/buy/firm-fee/{firm_item.kind}/"

    response = _add(client, firm_item, back=back)

    assert response.status_code == 302 and response["Location"] == back
    assert client.session.get("payments_basket") is None
    page = client.get(BASKET).content.decode()
    assert "A firm fee is paid from the page of the firm it is for." in page


def test_only_firm_admins_put_sittings_for_a_firm_in_the_basket(buyer_client, exam_item):
    assert _add(buyer_client, exam_item, **{"for": "firm", "quantity": "3"}).status_code == 403
    assert buyer_client.session.get("payments_basket") is None


def test_quantities_are_updated_or_refused_and_lines_removed(firm_admin, exam_item, course_item):
    client = Client()
    client.force_login(firm_admin)
    _add(client, exam_item, **{"for": "firm", "quantity": "2"})
    key = f"{exam_item.pk}-firm"
    update = reverse("payments:basket_update")

    client.post(update, {"key": key, "quantity": "4"})
    assert client.session["payments_basket"][0]["quantity"] == 4
    for bad in ("0", "51", "many"):
        page = client.post(update, {"key": key, "quantity": bad}, follow=True).content.decode()
        assert "Choose a quantity between 1 and 50" in page or "Enter a number" in page
        assert client.session["payments_basket"][0]["quantity"] == 4  # nothing lost

    client.post(update, {"key": key, "action": "remove"})
    assert client.session["payments_basket"] == []


def test_an_item_taken_off_sale_is_left_out_with_a_warning(
    no_stripe, buyer_client, course_item, exam_item
):
    _add(buyer_client, course_item)
    _add(buyer_client, exam_item)
    exam_item.active_until = timezone.localdate() - datetime.timedelta(days=1)
    exam_item.save()

    page = buyer_client.get(BASKET).content.decode()
    assert "No longer on sale, so left out: Exam sitting." in page
    buyer_client.post(BASKET, {"method": "invoice", "currency": "EUR", **BILLING})
    assert Order.objects.get().total == 20000


def test_a_refused_order_keeps_the_basket_and_says_why(no_stripe, buyer_client, buyer, course_item):
    from courses import services as course_services

    _add(buyer_client, course_item)
    course_services.enrollment_activate(user=buyer, course=course_item.course, source="staff")

    page = buyer_client.post(
        BASKET, {"method": "invoice", "currency": "EUR", **BILLING}
    ).content.decode()
    assert "You are already enrolled on this course." in page
    assert not Order.objects.exists()
    assert len(buyer_client.session["payments_basket"]) == 1


def test_an_empty_basket_orders_nothing(no_stripe, buyer_client):
    page = buyer_client.post(BASKET, {"method": "invoice"}, follow=True).content.decode()
    assert "Your basket is empty." in page
    assert not Order.objects.exists()
