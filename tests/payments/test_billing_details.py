"""An invoice needs its addressee: paying by invoice asks for a billing name, a postal
address and the country; they are kept on the order and the invoice and shown on the
order page. Bad input is refused with the reason, and what was typed stays in the form."""

import pytest
from django.urls import reverse

from courses.payments.models import Order
from tests.payments.factories import BILLING

pytestmark = pytest.mark.django_db


def _buy(client, course_item, **data):
    return client.post(
        f"/payments/buy/course/{course_item.course.slug}/",
        {"method": "invoice", "currency": "EUR", **data},
    )


def test_an_invoice_order_keeps_and_shows_its_billing_details(
    no_stripe, buyer_client, course_item, staff_client
):
    response = _buy(buyer_client, course_item, **BILLING)

    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.billing_name, order.billing_address, order.billing_country.code) == (
        "Bea Buyer Ltd",
        "Hauptstrasse 1\n10115 Berlin",
        "DE",
    )
    assert order.invoice.buyer_details.splitlines()[:4] == [
        "Bea Buyer Ltd",
        "Hauptstrasse 1",
        "10115 Berlin",
        "Germany",
    ]
    page = buyer_client.get(f"/payments/orders/{order.public_id}/").content.decode()
    assert "Billed to" in page and "Hauptstrasse 1<br>10115 Berlin<br>Germany" in page
    staff_url = reverse("payments_admin:order_manage", args=[order.pk])
    staff_page = staff_client.get(staff_url).content.decode()
    assert "Hauptstrasse 1<br>10115 Berlin<br>Germany" in staff_page


def test_an_invoice_without_name_address_or_country_is_refused_field_by_field(
    no_stripe, buyer_client, course_item
):
    response = _buy(buyer_client, course_item, billing_name="  ", billing_address="Hauptstr. 1")

    assert response.status_code == 200
    assert not Order.objects.exists()
    errors = response.context["form"].errors
    assert errors["billing_name"] == ["Enter the name the invoice is made out to."]
    assert errors["billing_country"] == ["Choose the country of the billing address."]
    assert "billing_address" not in errors
    assert "Hauptstr. 1</textarea>" in response.content.decode()  # nothing typed is lost


def test_an_oversized_address_is_refused_and_the_rest_of_the_input_kept(
    no_stripe, buyer_client, course_item
):
    response = _buy(buyer_client, course_item, **{**BILLING, "billing_address": "x" * 50_000})

    assert response.status_code == 200
    assert not Order.objects.exists()
    (error,) = response.context["form"].errors["billing_address"]
    assert "at most 1000 characters" in error
    assert 'value="Bea Buyer Ltd"' in response.content.decode()


def test_an_unknown_country_is_refused(no_stripe, buyer_client, course_item):
    response = _buy(buyer_client, course_item, **{**BILLING, "billing_country": "XX"})

    assert response.status_code == 200
    assert "billing_country" in response.context["form"].errors
    assert not Order.objects.exists()


def test_a_nul_byte_in_the_billing_details_is_refused_before_any_order(
    no_stripe, buyer_client, course_item
):
    response = _buy(buyer_client, course_item, **{**BILLING, "billing_name": "Bea\x00Ltd"})

    assert response.status_code == 400
    assert not Order.objects.exists()
