"""The staff back office: order page actions, the orders report with filters and CSV."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from courses.payments import services
from courses.payments.models import Order, OrderStatus
from tests.factories import UserFactory


@pytest.fixture
def invoice_order(no_stripe, buyer, course_item):
    return services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )


@pytest.mark.django_db
def test_staff_mark_an_invoice_paid_from_the_admin_and_access_is_granted(
    staff_client, invoice_order, django_capture_on_commit_callbacks
):
    from courses.models import Enrollment, EnrollmentStatus

    url = f"/admin/payments/order/{invoice_order.pk}/"
    page = staff_client.get(url)
    assert page.status_code == 200 and invoice_order.invoice.number.encode() in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"action": "mark_paid", "reference": "SEPA-2026-11-001", "confirm": "on"}
        )

    assert response.status_code == 302
    invoice_order.refresh_from_db()
    assert invoice_order.status == OrderStatus.PAID
    assert invoice_order.payment_reference == "SEPA-2026-11-001"
    assert Enrollment.objects.get(user=invoice_order.buyer).status == EnrollmentStatus.ACTIVE
    receipt = mail.outbox[-1]
    assert receipt.to == [invoice_order.buyer.email]
    assert receipt.attachments[0][0] == f"receipt-{invoice_order.number}.pdf"


@pytest.mark.django_db
def test_marking_paid_needs_the_confirmation_box(staff_client, invoice_order):
    staff_client.post(
        f"/admin/payments/order/{invoice_order.pk}/",
        {"action": "mark_paid", "reference": "SEPA-1"},
    )

    invoice_order.refresh_from_db()
    assert invoice_order.status == OrderStatus.PENDING


@pytest.mark.django_db
def test_staff_refund_from_the_admin_says_what_was_not_revoked(
    staff_client, staff_user, no_stripe, auditor, exam_item
):
    from courses.quiz.models import ExamSitting

    order = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=exam_item)], method="invoice"
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="B1")
    ExamSitting.objects.filter(user=auditor).update(status="used")

    page = staff_client.get(f"/admin/payments/order/{order.pk}/").content.decode()
    line = order.lines.get()
    assert f'name="units_{line.pk}"' in page and "1 not refunded yet, 0 unused" in page

    response = staff_client.post(
        f"/admin/payments/order/{order.pk}/",
        {
            "action": "refund",
            "reason": "Goodwill",
            f"units_{line.pk}": "1",
            "reference": "B-R",
            "confirm": "on",
        },
        follow=True,
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    texts = [str(m) for m in response.context["messages"]]
    assert any("without revoking" in t and "already used" in t for t in texts)


@pytest.mark.django_db
def test_people_without_the_permission_cannot_open_the_order_page(invoice_order):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory())
    response = client.get(f"/admin/payments/order/{invoice_order.pk}/")
    assert response.status_code in (302, 403)
    client.post(
        f"/admin/payments/order/{invoice_order.pk}/",
        {"action": "mark_paid", "reference": "X", "confirm": "on"},
    )
    assert Order.objects.get(pk=invoice_order.pk).status == OrderStatus.PENDING


@pytest.mark.django_db
def test_the_orders_report_filters_by_status_kind_currency_buyer_and_date(
    staff_client, no_stripe, buyer, course_item, exam_item, auditor, staff_user
):
    course_order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    exam_order = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=exam_item)], method="invoice"
    )
    services.order_mark_paid(order=exam_order, actor=staff_user, reference="B")

    def listed(query: str) -> set[str]:
        response = staff_client.get(f"/admin/payments/orders/?{query}")
        assert response.status_code == 200
        return {o.number for o in response.context["object_list"]}

    assert listed("status=paid") == {exam_order.number}
    assert listed("kind=course_enrolment") == {course_order.number}
    assert listed(f"buyer={auditor.email}") == {exam_order.number}
    assert listed("currency=EUR") == {course_order.number, exam_order.number}
    today = datetime.date.today().isoformat()
    assert listed(f"created_at_from={today}&created_at_to={today}") == {
        course_order.number,
        exam_order.number,
    }
    assert listed("created_at_from=2000-01-01&created_at_to=2000-01-02") == set()


@pytest.mark.django_db
def test_the_orders_report_exports_csv_with_the_filters_applied(
    staff_client, no_stripe, buyer, course_item, exam_item, auditor, staff_user
):
    services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    exam_order = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=exam_item)], method="invoice"
    )
    services.order_mark_paid(order=exam_order, actor=staff_user, reference="B")

    response = staff_client.get("/admin/payments/orders/?status=paid&export=csv")

    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    rows = [row for row in body.splitlines() if row]
    assert rows[0].startswith("Order,Created,Buyer")
    assert len(rows) == 2
    assert exam_order.number in rows[1] and "150.00" in rows[1] and auditor.email in rows[1]


@pytest.mark.django_db
def test_the_secretariat_manages_the_price_catalogue(staff_client, course_item):
    assert staff_client.get("/admin/payments/catalogue/").status_code == 200
    assert staff_client.get(f"/admin/payments/catalogue/edit/{course_item.pk}/").status_code == 200


def _catalogue_form(prices):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    return nested_form_data(
        {
            "kind": "firm_application",
            "name": "Application fee 2027",
            "description": "",
            "course": "",
            "quiz": "",
            "active": "on",
            "active_from": "",
            "active_until": "",
            "prices": inline_formset(prices),
        }
    )


@pytest.mark.django_db
def test_staff_type_prices_in_major_units_and_they_are_stored_in_cents(staff_client):
    from courses.payments.models import CatalogueItem

    response = staff_client.post(
        reverse("payments_catalogue:add"),
        _catalogue_form([{"currency": "EUR", "amount": "1500.50", "member_amount": "0"}]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = CatalogueItem.objects.get(name="Application fee 2027")
    price = item.prices.get()
    assert (price.amount, price.member_amount) == (150050, 0)

    page = staff_client.get(f"/admin/payments/catalogue/edit/{item.pk}/").content.decode()
    assert 'value="1500.50"' in page and 'value="0.00"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["12.345", "-5", "ten"])
def test_a_price_that_is_not_an_amount_of_money_is_refused_and_nothing_is_saved(
    staff_client, typed
):
    from courses.payments.models import CatalogueItem

    response = staff_client.post(
        reverse("payments_catalogue:add"),
        _catalogue_form([{"currency": "EUR", "amount": typed, "member_amount": ""}]),
    )
    assert response.status_code == 200
    assert not CatalogueItem.objects.filter(name="Application fee 2027").exists()


@pytest.mark.django_db
def test_staff_refund_part_of_a_firm_pool_from_the_admin(staff_client, pool_order):
    order = pool_order
    line = order.lines.get()
    url = f"/admin/payments/order/{order.pk}/"
    form = {"action": "refund", "reason": "Two not needed", "reference": "B-R", "confirm": "on"}

    too_many = staff_client.post(url, {**form, f"units_{line.pk}": "5"})
    assert too_many.status_code == 200 and not order.refunds.exists()  # nothing lost

    response = staff_client.post(url, {**form, f"units_{line.pk}": "2"}, follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.amount_refunded == 30000
    assert any("Refunded EUR 300.00" in str(m) for m in response.context["messages"])
    assert "EUR 300.00 refunded" in response.content.decode()
