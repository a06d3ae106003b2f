"""The whole auditor route in one browser journey, axe-core on every page it visits:
sign up, apply through a firm, take the course, pass the practice quiz, pay for an exam
sitting by card (Stripe faked at its boundary), pass the exam; a secretariat member who
signed in with their authenticator code grants the accreditation; the auditor downloads
the certificate, the public verification page confirms it and the register lists them."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot
from tests.e2e.steps import fake_stripe_checkout, pay_by_webhook, sign_up, staff_sign_in

# serialized_rollback: role groups with their permissions, the standards, their sectors and
# programmes, and the home page come from data migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAME = "Ingrid Auditor"
EMAIL = "ingrid@example.org"
PASSWORD = "a-long-pass-phrase"


@pytest.fixture
def fake_stripe(settings, live_server):
    """Card payments switched on, Stripe's API answered by the local fake."""
    from tests.payments import fake_stripe as fake_stripe_module
    from tests.payments.stripe_events import TEST_WEBHOOK_SECRET

    fake = fake_stripe_module.start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.SITE_URL = live_server.url
    yield fake
    fake.server.shutdown()


def _programme():
    """PS V3 asks for a course, a practice quiz at 80 % and the paid exam; one firm is
    accredited for casthouse in Norway."""
    from accreditation.models import Requirement
    from tests.accreditation.factories import (
        FirmFactory,
        FirmScopeElementFactory,
        ProgrammeFactory,
        RequirementFactory,
        StandardVersionFactory,
        sector_for,
    )
    from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
    from tests.payments.factories import ExamItemFactory
    from tests.quiz.factories import QuestionCategoryFactory, quiz_with, single_choice

    programme = ProgrammeFactory(standard_version=StandardVersionFactory(standard__code="PS"))
    course = CourseFactory(title="Performance Standard auditor training", slug="ps-training")
    module = ModuleFactory(course=course, title="The standard", sort_order=0)
    LessonFactory(module=module, title="Principles and criteria", sort_order=0)
    LessonFactory(module=module, title="Auditing the criteria", sort_order=1)
    practice = quiz_with(
        single_choice(text="Which ore is aluminium made from?"),
        title="Practice quiz: the value chain",
        slug="ps-practice",
        pass_mark=80,
    )
    exam = quiz_with(
        single_choice(
            category=QuestionCategoryFactory(is_exam_pool=True),
            text="Which ore do bauxite mines produce?",
        ),
        title="Performance Standard auditor exam",
        slug="ps-exam",
        is_exam=True,
        sitting_fee_required=True,
        time_limit_minutes=60,
        pass_mark=80,
    )
    ExamItemFactory(quiz=exam, name="Exam sitting: Performance Standard", price=(15000, None))
    kind = Requirement.Kind
    RequirementFactory(
        programme=programme, kind=kind.COURSE_COMPLETED, title=course.title, course=course
    )
    RequirementFactory(
        programme=programme, kind=kind.QUIZ_PASSED, title=practice.title, quiz=practice,
        min_percent=80,
    )  # fmt: skip
    RequirementFactory(programme=programme, kind=kind.EXAM_PASSED, title=exam.title, quiz=exam)
    firm = FirmFactory(name="Nordic Assurance AS", slug="nordic-assurance", country="NO")
    FirmScopeElementFactory(firm=firm, sector=sector_for("PS", "casthouse"), country="NO")


def _take_quiz(page, *, answer: str) -> None:
    """From the quiz's page: start (accepting the clock's warning), answer the one
    question, review, submit; ends on the result page."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Start the attempt").click()
    page.get_by_role("button", name="Review and submit").wait_for()
    check_page(page)
    page.get_by_role("radio", name=answer).check()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("heading", name="Review before submitting").wait_for()
    check_page(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit all and finish").click()
    page.get_by_role("heading", name=re.compile("Result")).wait_for()
    check_page(page)


def _back_to_the_application(page) -> None:
    page.goto("/accreditation/")
    check_page(page)
    page.get_by_role("link", name="PS V3 — Nordic Assurance AS").click()
    page.get_by_role("heading", name="Application for PS V3").wait_for()
    check_page(page)


def test_an_auditor_goes_from_sign_up_to_the_register(page, browser, live_server, fake_stripe):
    from courses.payments.models import Order, OrderStatus
    from tests.factories import SecretariatFactory

    _programme()
    watch_errors(page)

    # Sign up and confirm the address.
    sign_up(page, full_name=NAME, email=EMAIL, password=PASSWORD)

    # Apply through the firm, agree to be listed, submit.
    page.goto("/accreditation/")
    check_page(page)
    page.get_by_role("link", name="Apply for accreditation").click()
    page.get_by_role("link", name="Performance Standard V3").wait_for()
    check_page(page)
    page.get_by_role("link", name="Performance Standard V3").click()
    page.get_by_label("Audit firm").wait_for()
    check_page(page)
    page.get_by_label("Audit firm").select_option(label="Nordic Assurance AS")
    page.get_by_label("Casthouse", exact=True).check()
    page.get_by_role("group", name="Countries").get_by_label("Norway", exact=True).check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("saved as a draft").wait_for()
    check_page(page)
    page.get_by_role("button", name="Submit application").click()
    page.get_by_text("Your application is submitted").wait_for()
    assert page.get_by_text("In training").first.is_visible()
    check_page(page)
    screenshot(page, "journey-auditor-application")

    page.goto("/accreditation/profile/")
    check_page(page)
    page.get_by_label("May be named on the public register").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your auditor profile is saved.").wait_for()
    check_page(page)

    # The course, from the application's list of what is missing.
    _back_to_the_application(page)
    page.get_by_role("link", name=re.compile(r"Go to the course\W+Performance Standard")).click()
    page.get_by_role("button", name="Enrol for free").wait_for()
    check_page(page)
    page.get_by_role("button", name="Enrol for free").click()
    page.get_by_text("You are enrolled").wait_for()
    check_page(page)
    page.get_by_role("link", name="Start the course").click()
    for lesson in ("Principles and criteria", "Auditing the criteria"):
        page.get_by_role("heading", name=lesson).wait_for()
        check_page(page)
        page.get_by_role("button", name="Mark as done").click()
    page.get_by_role("link", name="Download your certificate (PDF)").wait_for()
    check_page(page)

    # The practice quiz.
    _back_to_the_application(page)
    page.get_by_role("link", name=re.compile(r"Go to the quiz\W+Practice quiz")).click()
    page.get_by_role("button", name="Start the attempt").wait_for()
    check_page(page)
    _take_quiz(page, answer="Bauxite")
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()

    # The exam needs a paid sitting: basket, card, Stripe's page, the webhook.
    _back_to_the_application(page)
    page.get_by_role("link", name=re.compile(r"Go to the exam\W+Performance Standard")).click()
    page.get_by_text("This exam needs a paid sitting").wait_for()
    check_page(page)
    page.get_by_role("link", name="Buy a sitting (EUR 150.00)").click()
    page.get_by_role("button", name="Add to basket").wait_for()
    check_page(page)
    page.get_by_role("button", name="Add to basket").click()
    page.get_by_role("heading", name="Your basket").wait_for()
    check_page(page)
    page.get_by_label("Pay by card").check()
    fake_stripe_checkout(page)
    page.get_by_role("button", name="Order and pay EUR 150.00").click()
    page.wait_for_url("https://checkout.stripe.com/**")
    order = Order.objects.get()
    session = fake_stripe.posts("/v1/checkout/sessions")[-1].params
    assert session["line_items[0][price_data][unit_amount]"] == "15000"
    page.goto(session["success_url"])  # Stripe sends the buyer back before it confirms
    page.get_by_text("We are waiting for Stripe to confirm your payment").wait_for()
    check_page(page)
    assert pay_by_webhook(live_server.url, order)["received"] is True
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    page.reload()
    page.get_by_text("Paid", exact=True).first.wait_for()
    check_page(page)
    screenshot(page, "journey-auditor-order-paid")

    _back_to_the_application(page)
    page.get_by_role("link", name=re.compile(r"Go to the exam\W+Performance Standard")).click()
    page.get_by_role("button", name="Start the attempt").wait_for()
    check_page(page)
    _take_quiz(page, answer="Bauxite")
    _back_to_the_application(page)
    expect(page.get_by_text("Ready for review").first).to_be_visible()
    screenshot(page, "journey-auditor-ready-for-review")

    # A secretariat member, signed in with their authenticator code, grants it.
    staff = SecretariatFactory(email="sam@example.org", full_name="Sam Secretariat")
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import TEST_TOTP_SECRET

    TOTP.activate(staff, TEST_TOTP_SECRET)
    staff_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    try:
        staff_page = staff_context.new_page()
        staff_page.set_default_timeout(15_000)
        watch_errors(staff_page)
        staff_sign_in(staff_page, staff)
        # The firm has not confirmed her yet: staff confirm on its behalf.
        staff_page.goto("/admin/accreditation/affiliations/")
        check_page(staff_page)
        staff_page.get_by_role("link", name="Open", exact=True).first.click()
        check_page(staff_page)
        staff_page.get_by_role("link", name="Confirm…").click()
        staff_page.get_by_role("button", name="Continue").wait_for()
        check_page(staff_page)
        staff_page.get_by_role("button", name="Continue").click()
        staff_page.get_by_role("button", name="Confirm", exact=True).wait_for()
        check_page(staff_page)
        staff_page.get_by_role("button", name="Confirm", exact=True).click()
        staff_page.get_by_text(f"The affiliation of {NAME} is confirmed.").wait_for()
        check_page(staff_page)
        staff_page.goto("/admin/accreditation/applications/")
        check_page(staff_page)
        staff_page.get_by_role("link", name="Review", exact=True).first.click()
        staff_page.get_by_role("heading", name="Requirements").wait_for()
        check_page(staff_page)
        grant = staff_page.locator("form", has=staff_page.locator("input[value=grant]"))
        grant.get_by_label("Reason").fill("Training, practice quiz and exam complete.")
        grant.get_by_role("button", name="Grant…").click()
        staff_page.get_by_role("button", name="Confirm").wait_for()
        check_page(staff_page)
        staff_page.get_by_role("button", name="Confirm").click()
        staff_page.get_by_text("The accreditation is granted.").wait_for()
        check_page(staff_page)
        screenshot(staff_page, "journey-staff-granted")
        assert_every_page_checked(staff_page, site=live_server.url)
    finally:
        staff_context.close()

    # The auditor's certificate, its public verification, the register.
    page.goto("/accreditation/")
    page.get_by_role("heading", name="Accreditations").wait_for()
    check_page(page)
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download certificate (PDF)").click(modifiers=["Alt"])
    assert pdf.value.suggested_filename.endswith(".pdf")
    page.get_by_role("link", name="Public verification page").click()
    page.get_by_role("heading", name="Certificate verification").wait_for()
    check_page(page)
    assert page.get_by_text(NAME).is_visible()
    assert page.get_by_text("Valid").first.is_visible()
    screenshot(page, "journey-auditor-verified")

    page.goto("/auditors/?country=NO")
    check_page(page)
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("heading", name=NAME).wait_for()
    check_page(page)
    expect(page.get_by_role("cell", name="Norway").first).to_be_visible()
    screenshot(page, "journey-auditor-on-the-register")
    assert_every_page_checked(page, site=live_server.url)
