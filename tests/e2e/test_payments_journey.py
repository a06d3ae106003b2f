"""Without any Stripe key: a learner buys a paid course by invoice, and an auditor buys an
exam sitting through the basket; staff record the bank transfer; access opens."""

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


def test_an_auditor_buys_an_exam_sitting_through_the_basket_and_can_then_start_the_exam(
    page, settings
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

    _sign_in(page, "ada@example.org")
    page.goto("/quizzes/auditor-exam/")
    page.get_by_text("This exam needs a paid sitting").wait_for()
    page.get_by_role("link", name="Buy a sitting (EUR 150.00)").click()
    page.get_by_role("button", name="Add to basket").click()

    page.get_by_role("heading", name="Your basket").wait_for()
    page.get_by_role("link", name="Basket (1 item)").wait_for()
    screenshot(page, "payments-basket")
    page.get_by_role("button", name="Order and pay EUR 150.00").click()

    page.get_by_role("heading", name="Order ORD-").wait_for()
    order = Order.objects.get()
    assert order.total == 15000 and order.lines.count() == 1
    services.order_mark_paid(
        order=order, actor=UserFactory(full_name="Sam Staff"), reference="SEPA-2026-0043"
    )

    page.goto("/quizzes/auditor-exam/")
    page.get_by_role("button", name="Start the attempt").wait_for()
    assert page.get_by_role("link", name="Basket (1 item)").count() == 0
