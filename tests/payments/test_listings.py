"""The buyer's listings (orders, sittings) are paginated with the shared
``includes/pagination.html``, which keeps every other parameter of the address."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from courses.payments.models import Order

pytestmark = pytest.mark.django_db


def _orders(buyer, count: int) -> None:
    Order.objects.bulk_create(
        Order(buyer=buyer, currency="EUR", total=100, method="invoice") for _ in range(count)
    )


def test_my_orders_are_shown_twenty_a_page_and_the_links_keep_other_parameters(buyer_client, buyer):
    _orders(buyer, 21)

    first = buyer_client.get("/payments/orders/?sort=new")
    second = buyer_client.get("/payments/orders/?sort=new&page=2")

    assert len(first.context["orders"]) == 20 and len(second.context["orders"]) == 1
    assert 'rel="next" href="?sort=new&amp;page=2"' in first.content.decode()
    assert 'rel="prev" href="?sort=new&amp;page=1"' in second.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_one_page_of_orders_shows_no_page_links(buyer_client, buyer):
    _orders(buyer, 3)

    page = buyer_client.get("/payments/orders/").content.decode()

    assert 'class="pagination"' not in page


def _render(request_path: str, page: int, **context) -> str:
    page_obj = Paginator(list(range(100)), 10).get_page(page)
    request = RequestFactory().get(request_path)
    return render_to_string(
        "includes/pagination.html", {"page_obj": page_obj, **context}, request=request
    )


def test_the_include_keeps_the_address_parameters_and_replaces_only_the_page():
    html = _render("/anything/?q=audit&tag=a&tag=b&page=3", 3)

    assert 'href="?q=audit&amp;tag=a&amp;tag=b&amp;page=2"' in html
    assert 'href="?q=audit&amp;tag=a&amp;tag=b&amp;page=4"' in html
    assert "Page 3 of 10" in html


def test_a_listing_may_give_its_own_cleaned_parameters_and_page_numbers():
    html = _render(
        "/register/?junk=1", 2, query_string="standard=PS", page_numbers=[1, 2, 3, None, 10]
    )

    assert 'href="?standard=PS&amp;page=1"' in html and 'href="?standard=PS&amp;page=10"' in html
    assert "junk" not in html
    assert '<li aria-hidden="true">…</li>' in html and 'aria-current="page"' in html

    plain = _render("/search/?junk=1", 2, query_string="")
    assert 'href="?page=1"' in plain and "junk" not in plain
