"""The demo catalogue, the dashboard panel, and a paid sitting opening the exam."""

import pytest

from courses.payments import services
from courses.payments.models import CatalogueItem, Kind


@pytest.mark.django_db
def test_the_demo_catalogue_is_seeded_once(no_stripe):
    from courses.demo import PS_COURSE
    from courses.payments import demo
    from tests.courses.factories import CourseFactory
    from tests.quiz.factories import QuizFactory

    quiz = QuizFactory(slug=demo.EXAM_SLUG, is_exam=True, sitting_fee_required=False)
    CourseFactory(slug=PS_COURSE)

    demo.seed()
    first = sorted(CatalogueItem.objects.values_list("kind", flat=True))
    demo.seed()

    assert sorted(CatalogueItem.objects.values_list("kind", flat=True)) == first
    assert Kind.EXAM_SITTING in first and Kind.FIRM_APPLICATION in first
    exam = CatalogueItem.objects.get(kind=Kind.EXAM_SITTING)
    assert exam.prices.get().amount == 15000
    assert CatalogueItem.objects.get(kind=Kind.FIRM_RENEWAL).prices.get().amount == 100000
    course_price = CatalogueItem.objects.get(kind=Kind.COURSE_ENROLMENT).prices.get()
    assert (course_price.amount, course_price.member_amount) == (45000, 30000)
    quiz.refresh_from_db()
    assert quiz.sitting_fee_required  # the demo sells sittings, so starting uses one


@pytest.mark.django_db
def test_an_exam_with_a_sitting_fee_opens_only_with_a_paid_sitting_and_uses_one(
    no_stripe, auditor, staff_user
):
    from courses.quiz import services as quiz_services
    from courses.quiz.exceptions import NoSittingAvailable
    from courses.quiz.models import ExamSitting
    from tests.payments.factories import ExamItemFactory
    from tests.quiz.factories import QuestionCategoryFactory, quiz_with, single_choice

    exam = quiz_with(
        single_choice(category=QuestionCategoryFactory(is_exam_pool=True)),
        is_exam=True,
        sitting_fee_required=True,
    )
    item = ExamItemFactory(quiz=exam, price=(15000, None))
    with pytest.raises(NoSittingAvailable):
        quiz_services.attempt_start(user=auditor, quiz=exam)

    order = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=item)], method="invoice"
    )
    with pytest.raises(NoSittingAvailable):  # an unpaid order opens nothing
        quiz_services.attempt_start(user=auditor, quiz=exam)
    services.order_mark_paid(order=order, actor=staff_user, reference="B")
    quiz_services.attempt_start(user=auditor, quiz=exam)

    assert list(ExamSitting.objects.values_list("status", flat=True)) == ["used"]


@pytest.mark.django_db
def test_the_dashboard_panel_lists_orders_and_sittings_to_assign(no_stripe, buyer, course_item, rf):
    from courses.payments.panels import orders_panel

    order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    request = rf.get("/dashboard/")
    request.user = buyer

    html = orders_panel(request)

    assert order.number in html and order.invoice.number in html


@pytest.mark.django_db
def test_the_dashboard_panel_shows_nothing_without_orders(buyer, rf):
    from courses.payments.panels import orders_panel

    request = rf.get("/dashboard/")
    request.user = buyer
    assert orders_panel(request) is None


@pytest.mark.django_db
def test_the_exam_page_offers_a_sitting_at_its_price_when_none_is_left(
    no_stripe, client, auditor, firm_admin, staff_user
):
    from django.urls import reverse

    from tests.payments.factories import ExamItemFactory
    from tests.quiz.factories import QuestionCategoryFactory, quiz_with, single_choice

    exam = quiz_with(
        single_choice(category=QuestionCategoryFactory(is_exam_pool=True)),
        is_exam=True,
        sitting_fee_required=True,
    )
    item = ExamItemFactory(quiz=exam, price=(15000, None))
    buy_url = reverse("payments:buy_exam", args=[exam.slug])

    client.force_login(auditor)
    page = client.get(exam.get_absolute_url()).content.decode()
    assert f'href="{buy_url}"' in page and "Buy a sitting (EUR 150.00)" in page
    assert reverse("quiz:start", args=[exam.slug]) not in page
    assert "?for=firm" not in page

    order = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=item)], method="invoice"
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-1")
    page = client.get(exam.get_absolute_url()).content.decode()
    assert reverse("quiz:start", args=[exam.slug]) in page and "Buy a sitting" not in page

    client.force_login(firm_admin)
    page = client.get(exam.get_absolute_url()).content.decode()
    assert f'href="{buy_url}?for=firm"' in page


@pytest.mark.django_db
def test_an_exam_with_no_sitting_on_sale_says_so(no_stripe, client, auditor):
    from tests.quiz.factories import exam_of_one_question

    exam = exam_of_one_question(sitting_fee_required=True)
    client.force_login(auditor)
    page = client.get(exam.get_absolute_url()).content.decode()
    assert "Sittings are not on sale at the moment" in page
