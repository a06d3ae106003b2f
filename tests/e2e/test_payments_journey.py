"""Without any Stripe key: a learner buys a paid course by invoice, and an auditor buys an
exam sitting through the basket; staff record the bank transfer; access opens."""

import pytest

from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_buys_a_course_by_invoice_and_gets_access_once_staff_mark_it_paid(
    page, settings, live_server
):

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

    watch_errors(page)
    sign_in(page, "paul@example.org")
    check_page(page)
    page.goto("/courses/coc-suppliers/")
    check_page(page)
    page.get_by_role("link", name="Buy the course").click()
    page.get_by_role("heading", name="Course: Chain of Custody for suppliers").wait_for()
    page.get_by_text("EUR 200.00").wait_for()
    check_page(page)
    page.get_by_label("Pay by invoice").check()
    page.get_by_label("Name on the invoice").fill("Purchaser Metals GmbH")
    page.get_by_label("Billing address").fill("Hauptstrasse 1\n10115 Berlin")
    page.get_by_label("Country").select_option("DE")
    screenshot(page, "payments-buy-by-invoice")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Order ORD-").wait_for()
    order = Order.objects.get()
    page.get_by_text(f"Invoice {order.invoice.number}").first.wait_for()
    page.get_by_text("Pending").first.wait_for()
    check_page(page)
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
    check_page(page)
    screenshot(page, "payments-order-paid")
    assert Enrollment.objects.get(course=course).status == EnrollmentStatus.ACTIVE
    assert_every_page_checked(page, site=live_server.url)


def test_an_auditor_buys_an_exam_sitting_through_the_basket_and_can_then_start_the_exam(
    page, settings, live_server
):
    from courses.payments import services
    from courses.payments.models import Order
    from tests.factories import UserFactory
    from tests.payments.factories import ExamItemFactory
    from tests.quiz.factories import QuestionCategoryFactory, quiz_with, single_choice

    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    exam = quiz_with(
        single_choice(category=QuestionCategoryFactory(is_exam_pool=True)),
        title="Auditor exam",
        slug="auditor-exam",
        is_exam=True,
        sitting_fee_required=True,
    )
    ExamItemFactory(quiz=exam, name="Exam sitting: Auditor exam", price=(15000, None))
    UserFactory(email="ada@example.org", full_name="Ada Auditor", role="Auditors")

    watch_errors(page)
    sign_in(page, "ada@example.org")
    check_page(page)
    page.goto("/quizzes/auditor-exam/")
    page.get_by_text("This exam needs a paid sitting").wait_for()
    check_page(page)
    page.get_by_role("link", name="Buy a sitting (EUR 150.00)").click()
    page.get_by_role("button", name="Add to basket").wait_for()
    check_page(page)
    page.get_by_role("button", name="Add to basket").click()

    page.get_by_role("heading", name="Your basket").wait_for()
    page.get_by_role("link", name="Basket (1 item)").wait_for()
    check_page(page)
    screenshot(page, "payments-basket")
    page.get_by_role("button", name="Order and pay EUR 150.00").click()
    # Without Stripe the order is paid by invoice, which needs its addressee: said at once.
    page.get_by_text("Enter the postal address for the invoice.").wait_for()
    check_page(page)
    page.get_by_label("Name on the invoice").fill("Ada Auditor")
    page.get_by_label("Billing address").fill("Rua das Flores 12\n01000-000 São Paulo")
    page.get_by_label("Country").select_option("BR")
    page.get_by_role("button", name="Order and pay EUR 150.00").click()

    page.get_by_role("heading", name="Order ORD-").wait_for()
    check_page(page)
    order = Order.objects.get()
    assert order.total == 15000 and order.lines.count() == 1
    services.order_mark_paid(
        order=order, actor=UserFactory(full_name="Sam Staff"), reference="SEPA-2026-0043"
    )

    page.goto("/quizzes/auditor-exam/")
    page.get_by_role("button", name="Start the attempt").wait_for()
    assert page.get_by_role("link", name="Basket (1 item)").count() == 0
    check_page(page)
    assert_every_page_checked(page, site=live_server.url)
