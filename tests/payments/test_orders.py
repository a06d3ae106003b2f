"""The catalogue, orders, prices from the server, invoices, the transitions map."""

import datetime

import pytest
from django.core import mail
from django.db import transaction

from courses.models import Enrollment, EnrollmentStatus
from courses.payments import services
from courses.payments.models import (
    Invoice,
    LineState,
    Order,
    OrderStatus,
    PaymentMethod,
    SittingVoucher,
)
from courses.payments.selectors import quote_for
from tests.factories import MemberFactory, UserFactory
from tests.payments.factories import BILLING, CatalogueItemFactory, CourseItemFactory


@pytest.mark.django_db
def test_members_get_the_member_price_and_others_the_full_price(course_item, member, buyer):
    assert quote_for(item=course_item, user=member).unit_amount == 0
    assert quote_for(item=course_item, user=member).is_member_price
    assert quote_for(item=course_item, user=buyer).unit_amount == 20000


@pytest.mark.django_db
def test_an_empty_member_price_charges_members_the_full_price(exam_item, member):
    assert quote_for(item=exam_item, user=member).unit_amount == 15000


@pytest.mark.django_db
def test_the_buy_page_shows_the_price_for_this_person(buyer_client, member, course_item):
    from django.test import Client

    page = buyer_client.get(f"/payments/buy/course/{course_item.course.slug}/")
    assert b"EUR 200.00" in page.content

    member_client = Client()
    member_client.force_login(member)
    page = member_client.get(f"/payments/buy/course/{course_item.course.slug}/")
    assert b"Free" in page.content and b"member price" in page.content


@pytest.mark.django_db
def test_the_buy_form_ignores_any_amount_posted_by_the_browser(
    no_stripe, buyer_client, course_item
):
    buyer_client.post(
        f"/payments/buy/course/{course_item.course.slug}/",
        {
            **BILLING,
            "method": "invoice",
            "currency": "EUR",
            "amount": "1",
            "total": "1",
            "price": "1",
        },
    )

    order = Order.objects.get()
    assert order.total == 20000
    assert order.lines.get().unit_amount == 20000


@pytest.mark.django_db
def test_a_currency_without_a_price_is_refused(no_stripe, buyer, course_item):
    with pytest.raises(services.PaymentError):
        services.order_create(
            buyer=buyer,
            lines=[services.LineRequest(item=course_item)],
            method="invoice",
            currency="USD",
        )


@pytest.mark.django_db
def test_an_item_outside_its_selling_dates_cannot_be_bought(no_stripe, buyer):
    item = CourseItemFactory(active_until=datetime.date(2020, 1, 1))

    with pytest.raises(services.PaymentError):
        services.order_create(
            buyer=buyer, lines=[services.LineRequest(item=item)], method="invoice"
        )
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_card_payment_is_refused_when_no_stripe_keys_are_configured(no_stripe, buyer, course_item):
    with pytest.raises(services.PaymentError):
        services.order_create(
            buyer=buyer, lines=[services.LineRequest(item=course_item)], method="card"
        )


@pytest.mark.django_db
def test_without_stripe_keys_the_buy_page_offers_only_the_invoice(
    no_stripe, buyer_client, course_item
):
    page = buyer_client.get(f"/payments/buy/course/{course_item.course.slug}/")

    assert b'value="invoice"' in page.content
    assert b'value="card"' not in page.content


@pytest.mark.django_db
def test_a_free_member_order_is_paid_at_once_and_enrols(no_stripe, member, course_item):
    order = services.order_create(
        buyer=member, lines=[services.LineRequest(item=course_item)], method="invoice"
    )

    assert order.status == OrderStatus.PAID
    assert order.method == PaymentMethod.FREE
    assert Enrollment.objects.get(user=member).status == EnrollmentStatus.ACTIVE
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_an_invoice_order_stays_pending_with_a_numbered_invoice(
    no_stripe, buyer_client, buyer, course_item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(
            f"/payments/buy/course/{course_item.course.slug}/",
            {**BILLING, "method": "invoice", "currency": "EUR"},
        )

    order = Order.objects.get()
    assert response.status_code == 302
    assert order.status == OrderStatus.PENDING
    year = datetime.date.today().year
    assert order.invoice.number == f"INV-{year}-00001"
    assert order.invoice.due_on == order.invoice.issued_on + datetime.timedelta(days=30)
    assert Enrollment.objects.get(user=buyer).status == EnrollmentStatus.PENDING_PAYMENT
    assert mail.outbox[0].attachments[0][0] == f"INV-{year}-00001.pdf"


@pytest.mark.django_db
def test_invoice_numbers_are_sequential_per_year_without_gaps(no_stripe, buyer):
    from tests.accreditation.factories import FirmFactory

    firm = FirmFactory()
    items = [CatalogueItemFactory(), CatalogueItemFactory(), CatalogueItemFactory()]

    def fee(item):
        return services.firm_fee_checkout(buyer=buyer, firm=firm, item=item, method="invoice")

    first = fee(items[0])
    with pytest.raises(RuntimeError), transaction.atomic():  # rolled back: number given back
        fee(items[1])
        raise RuntimeError
    second = fee(items[2])
    next_year = services.invoice_issue(
        order=Order.objects.create(buyer=buyer, currency="EUR", total=1, method="invoice"),
        today=datetime.date(2099, 1, 1),
    )
    year = datetime.date.today().year
    assert first.invoice.number == f"INV-{year}-00001"
    assert second.invoice.number == f"INV-{year}-00002"
    assert next_year.number == "INV-2099-00001"


@pytest.mark.django_db
def test_every_status_change_is_recorded_with_who_and_why(
    no_stripe, buyer, course_item, staff_user
):
    order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-42")

    rows = list(order.history.values_list("from_status", "to_status", "source", "actor"))
    assert rows == [("", "pending", "buyer", buyer.pk), ("pending", "paid", "staff", staff_user.pk)]
    assert "BANK-42" in order.history.last().reason


@pytest.mark.django_db
def test_the_transitions_map_refuses_impossible_moves(no_stripe, buyer, course_item, staff_user):
    order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-1")

    with pytest.raises(services.PaymentError):
        services.order_cancel(order=order, actor=staff_user, reason="too late")
    with pytest.raises(services.PaymentError):
        services.order_mark_paid(order=order, actor=staff_user, reference="again")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.history.count() == 2


@pytest.mark.django_db
def test_cancelling_a_pending_invoice_order_lets_the_place_go(
    no_stripe, buyer, course_item, staff_user
):
    order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )

    services.order_cancel(order=order, actor=staff_user, reason="Not paid in time")

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.lines.get().state == LineState.NEVER_GRANTED
    assert Enrollment.objects.get(user=buyer).status == EnrollmentStatus.REVOKED


@pytest.mark.django_db
def test_someone_already_enrolled_cannot_buy_the_course_again(no_stripe, member, course_item):
    services.order_create(
        buyer=member, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    with pytest.raises(services.PaymentError):
        services.order_create(
            buyer=member, lines=[services.LineRequest(item=course_item)], method="invoice"
        )


@pytest.mark.django_db
def test_only_the_buyer_and_staff_see_an_order_and_its_pdfs(
    no_stripe, buyer, buyer_client, course_item, staff_client
):
    from django.test import Client

    order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    stranger = Client()
    stranger.force_login(UserFactory())

    assert buyer_client.get(f"/payments/orders/{order.public_id}/").status_code == 200
    invoice = buyer_client.get(f"/payments/orders/{order.public_id}/invoice.pdf")
    assert invoice.status_code == 200 and invoice.content.startswith(b"%PDF")
    assert staff_client.get(f"/payments/orders/{order.public_id}/invoice.pdf").status_code == 200
    assert stranger.get(f"/payments/orders/{order.public_id}/").status_code == 404
    assert stranger.get(f"/payments/orders/{order.public_id}/invoice.pdf").status_code == 404
    # no receipt before payment
    assert buyer_client.get(f"/payments/orders/{order.public_id}/receipt.pdf").status_code == 404


# --- Exam sittings --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_firm_admin_buys_sittings_and_assigns_one_to_an_auditor(
    no_stripe, firm_admin, exam_item, auditor, staff_user
):
    from django.test import Client

    from courses.quiz.models import ExamSitting
    from tests.accreditation.factories import AffiliationFactory, FirmFactory

    firm = FirmFactory()
    firm.admins.add(firm_admin)
    AffiliationFactory(auditor=auditor.auditor_profile, firm=firm)
    client = Client()
    client.force_login(firm_admin)
    client.post(
        f"/payments/buy/exam/{exam_item.quiz.slug}/",
        {**BILLING, "for": "firm", "method": "invoice", "currency": "EUR", "quantity": "3"},
    )
    order = Order.objects.get()
    assert order.total == 3 * 15000
    assert order.lines.get().beneficiary is None
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-9")
    assert SittingVoucher.objects.filter(owner=firm_admin, status="unassigned").count() == 3

    voucher = SittingVoucher.objects.first()
    response = client.post(f"/payments/sittings/{voucher.pk}/assign/", {"person": auditor.pk})

    assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == "assigned" and voucher.assigned_to == auditor
    sitting = ExamSitting.objects.get(user=auditor)
    assert sitting.pk == voucher.sitting_id and sitting.assigned_by == firm_admin
    assert SittingVoucher.objects.filter(status="unassigned").count() == 2


@pytest.mark.django_db
def test_a_sitting_cannot_be_assigned_to_someone_without_an_auditor_profile(
    no_stripe, firm_admin, exam_item, staff_user
):
    order = services.order_create(
        buyer=firm_admin,
        lines=[services.LineRequest(item=exam_item, quantity=1, for_firm_pool=True)],
        method="invoice",
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-3")
    voucher = SittingVoucher.objects.get()

    with pytest.raises(services.PaymentError):
        services.voucher_assign(voucher=voucher, person=MemberFactory(), actor=firm_admin)
    voucher.refresh_from_db()
    assert voucher.status == "unassigned"


@pytest.mark.django_db
def test_only_firm_admins_buy_sittings_for_a_pool(no_stripe, buyer_client, exam_item):
    response = buyer_client.get(f"/payments/buy/exam/{exam_item.quiz.slug}/?for=firm")
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_auditor_buying_one_sitting_gets_it_at_once(no_stripe, auditor, exam_item, staff_user):
    from courses.quiz.models import ExamSitting

    order = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=exam_item)], method="invoice"
    )
    assert not ExamSitting.objects.exists()  # nothing before payment

    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-5")

    assert ExamSitting.objects.filter(user=auditor, status="available").count() == 1


@pytest.mark.django_db
def test_a_second_order_for_a_course_already_waiting_for_payment_is_refused(
    no_stripe, buyer_client, buyer, course_item
):
    url = f"/payments/buy/course/{course_item.course.slug}/"
    buyer_client.post(url, {"method": "invoice", "currency": "EUR", **BILLING})
    page = buyer_client.post(url, {"method": "invoice", "currency": "EUR", **BILLING})

    assert Order.objects.count() == 1
    assert b"already waiting for payment" in page.content


@pytest.mark.django_db
def test_a_course_for_another_audience_cannot_be_bought(no_stripe, buyer):
    from tests.courses.factories import CourseFactory

    item = CourseItemFactory(course=CourseFactory(audience="auditors"))

    with pytest.raises(services.PaymentError):
        services.order_create(
            buyer=buyer, lines=[services.LineRequest(item=item)], method="invoice"
        )


@pytest.mark.django_db
def test_my_orders_page_and_the_dashboard_list_the_buyers_orders(
    no_stripe, buyer_client, buyer, course_item
):
    order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )

    orders_page = buyer_client.get("/payments/orders/")
    dashboard = buyer_client.get("/dashboard/")

    assert order.number.encode() in orders_page.content
    assert order.invoice.number.encode() in dashboard.content
