"""Without any Stripe key, a learner buys a paid course by invoice; staff record the bank
transfer; the learner's order shows paid with a receipt and the course is open."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("password123!")
    page.get_by_role("button", name="Sign In").click()


def test_learner_buys_a_course_by_invoice_and_gets_access_once_staff_mark_it_paid(page, settings):

    from courses.models import Enrollment, EnrollmentStatus
    from courses.payments import services
    from courses.payments.models import Order
    from tests.courses.factories import CourseFactory
    from tests.factories import UserFactory
    from tests.payments.factories import CourseItemFactory

    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    course = CourseFactory(title="Chain of Custody for suppliers", slug="coc-suppliers")
    CourseItemFactory(
        course=course, name="Course: Chain of Custody for suppliers", price=(20000, None)
    )
    UserFactory(email="paul@example.org", full_name="Paul Purchaser")

    _sign_in(page, "paul@example.org")
    page.goto("/courses/coc-suppliers/")
    page.get_by_role("link", name="Buy the course").click()
    page.get_by_role("heading", name="Course: Chain of Custody for suppliers").wait_for()
    page.get_by_text("EUR 200.00").wait_for()
    page.get_by_label("Pay by invoice").check()
    page.get_by_label("Name on the invoice").fill("Purchaser Metals GmbH")
    page.get_by_label("Billing address").fill("Hauptstrasse 1\n10115 Berlin")
    screenshot(page, "payments-buy-by-invoice")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Order ORD-").wait_for()
    order = Order.objects.get()
    page.get_by_text(f"Invoice {order.invoice.number}").first.wait_for()
    page.get_by_text("Pending").first.wait_for()
    screenshot(page, "payments-order-pending-invoice")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the invoice (PDF)").click(modifiers=["Alt"])
    assert pdf.value.suggested_filename.endswith(".pdf")

    services.order_mark_paid(
        order=order, actor=UserFactory(full_name="Sam Staff"), reference="SEPA-2026-0042"
    )
    page.reload()
    page.get_by_text("Paid", exact=True).first.wait_for()
    page.get_by_role("link", name="Download the receipt (PDF)").wait_for()
    screenshot(page, "payments-order-paid")
    assert Enrollment.objects.get(course=course).status == EnrollmentStatus.ACTIVE
