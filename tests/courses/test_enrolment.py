"""Enrolment, per-lesson completion, progress, "continue", and the dashboard."""

from contextlib import ExitStack

import pytest
from django.urls import reverse
from wagtail import hooks

from courses import services
from courses.models import Audience, Enrollment, EnrollmentStatus, LessonCompletion
from courses.selectors import (
    course_outline,
    course_price_for,
    enrollment_is_started,
)
from tests.courses.factories import CourseFactory, EnrollmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_self_enrol_in_a_free_public_course(client, user, course):
    client.force_login(user)
    response = client.post(reverse("courses:enrol", args=[course.slug]))
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.status_changes.get().to_status == EnrollmentStatus.ACTIVE


def test_enrolling_again_while_enrolled_returns_the_one_enrolment(user, course):
    """A double click or a second tab (the parallel case is in test_enrolment_race)."""
    first = services.enrollment_self_enrol(user=user, course=course)

    again = services.enrollment_self_enrol(user=user, course=course)

    assert again.pk == first.pk
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
    assert first.status_changes.count() == 1


def test_self_enrol_refused_outside_the_audience(user, member):
    course = CourseFactory(audience=Audience.MEMBERS)
    with pytest.raises(services.EnrollmentNotAllowed):
        services.enrollment_self_enrol(user=user, course=course)
    assert services.enrollment_self_enrol(user=member, course=course).status == "active"


def test_auditor_course_is_for_auditors():
    course = CourseFactory(audience=Audience.AUDITORS)
    auditor = UserFactory(role="Auditors")
    assert services.enrollment_self_enrol(user=auditor, course=course)
    with pytest.raises(services.EnrollmentNotAllowed):
        services.enrollment_self_enrol(user=UserFactory(), course=course)


def test_self_enrol_refused_for_a_paid_course_and_page_offers_buy_link(client, user):
    course = CourseFactory(price=(9000, None))
    with pytest.raises(services.EnrollmentNotAllowed):
        services.enrollment_self_enrol(user=user, course=course)
    client.force_login(user)
    response = client.get(course.get_absolute_url())
    assert f'href="/payments/buy/course/{course.slug}/"'.encode() in response.content


def test_member_price_zero_makes_the_course_free_for_members(member, user):
    course = CourseFactory(price=(9000, 0))
    assert course_price_for(user=member, course=course).is_free
    assert course_price_for(user=member, course=course).is_member_price
    assert course_price_for(user=user, course=course).display == "EUR 90.00"
    assert services.enrollment_self_enrol(user=member, course=course).status == "active"


def test_self_enrol_needs_prerequisites_completed(user, quiz_passes):
    basics = CourseFactory(title="Basics")
    course = CourseFactory()
    course.prerequisites.add(basics)
    course.save()
    with pytest.raises(services.EnrollmentNotAllowed) as refused:
        services.enrollment_self_enrol(user=user, course=course)
    assert "Basics" in str(refused.value)


def test_pending_payment_is_shown_as_waiting_and_activation_is_idempotent(client, user):
    course = CourseFactory(price=(5000, None))
    pending = services.enrollment_create_pending(user=user, course=course)
    assert pending.status == EnrollmentStatus.PENDING_PAYMENT
    client.force_login(user)
    assert b"Waiting for payment" in client.get(course.get_absolute_url()).content

    first = services.enrollment_activate(user=user, course=course, source="payment")
    second = services.enrollment_activate(user=user, course=course, source="payment")
    assert first.pk == second.pk == pending.pk
    assert Enrollment.objects.get(pk=pending.pk).status == EnrollmentStatus.ACTIVE
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_revoke_only_before_the_learner_starts(user, course, lessons):
    enrollment = services.enrollment_activate(user=user, course=course, source="payment")
    assert enrollment_is_started(enrollment=enrollment) is False
    services.enrollment_revoke(enrollment=enrollment, reason="refund")
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.REVOKED

    again = services.enrollment_activate(user=user, course=course, source="payment")
    services.lesson_mark_done(enrollment=again, lesson=lessons[0])
    assert enrollment_is_started(enrollment=again) is True
    with pytest.raises(services.EnrollmentAlreadyStarted):
        services.enrollment_revoke(enrollment=again, reason="refund")


def test_lessons_are_closed_until_enrolled(client, user, course, lessons):
    client.force_login(user)
    response = client.get(lessons[0].get_absolute_url())
    assert response.status_code == 302 and response.url == course.get_absolute_url()


def test_mark_as_done_records_completion_and_moves_to_next_lesson(client, user, course, lessons):
    services.enrollment_self_enrol(user=user, course=course)
    client.force_login(user)
    page = client.get(lessons[0].get_absolute_url())
    assert b"Mark as done" in page.content
    response = client.post(reverse("courses:lesson_done", args=[course.slug, lessons[0].pk]))
    assert response.status_code == 302 and response.url == lessons[1].get_absolute_url()
    assert LessonCompletion.objects.filter(lesson=lessons[0], enrollment__user=user).exists()


def test_quiz_lessons_cannot_be_marked_done_by_hand(user, course, lessons):
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    with pytest.raises(services.LessonNotMarkable):
        services.lesson_mark_done(enrollment=enrollment, lesson=lessons[2])


def test_progress_per_course_and_module(user, course, lessons):
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    services.lesson_mark_done(enrollment=enrollment, lesson=lessons[0])
    outline = course_outline(course=course, enrollment=enrollment)
    assert (outline.done_count, outline.total, outline.percent) == (1, 5, 20)
    assert [m.percent for m in outline.modules] == [50, 0]


def _visit(client, lesson):
    """Opens the lesson as a browser does: the GET, then the page's visit POST."""
    page = client.get(lesson.get_absolute_url())
    visit_url = reverse("courses:lesson_visit", args=[lesson.module.course.slug, lesson.pk])
    assert f'action="{visit_url}" data-record-visit'.encode() in page.content
    assert client.post(visit_url).status_code == 204


def test_continue_where_you_left_off(client, user, course, lessons):
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    client.force_login(user)
    _visit(client, lessons[3])  # opened the assignment, not done
    outline = course_outline(course=course, enrollment=Enrollment.objects.get(pk=enrollment.pk))
    assert outline.continue_lesson == lessons[3]

    services.lesson_mark_done(enrollment=enrollment, lesson=lessons[4])
    _visit(client, lessons[4])  # opened and done: continue with first not done
    outline = course_outline(course=course, enrollment=Enrollment.objects.get(pk=enrollment.pk))
    assert outline.continue_lesson == lessons[0]
    page = client.get(course.get_absolute_url())
    assert b"Continue where you left off" in page.content
    assert lessons[0].get_absolute_url().encode() in page.content


def test_dashboard_requires_login(client):
    response = client.get(reverse("courses:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_dashboard_lists_courses_progress_and_continue(client, user, course, lessons):
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    services.lesson_mark_done(enrollment=enrollment, lesson=lessons[0])
    waiting = CourseFactory(title="Paid one", price=(1000, None))
    services.enrollment_create_pending(user=user, course=waiting)
    client.force_login(user)
    response = client.get(reverse("courses:dashboard"))
    content = response.content.decode()
    assert "Responsible sourcing" in content
    assert 'value="20"' in content  # the progress bar
    assert lessons[1].get_absolute_url() in content  # continue
    assert "Paid one" in content and "Waiting for payment" in content


def test_dashboard_renders_hooked_panels_in_order_and_survives_a_broken_one(client, user):
    panels = [
        (900, lambda request: "<p>panel B</p>"),
        (800, lambda request: "<p>panel A</p>"),
        (850, lambda request: None),
        (860, lambda request: 1 / 0),
    ]
    client.force_login(user)
    with ExitStack() as stack:
        for order, render in panels:
            stack.enter_context(hooks.register_temporarily("dashboard_panel", render, order=order))
        content = client.get(reverse("courses:dashboard")).content.decode()
    assert content.index("panel A") < content.index("panel B")


def test_dashboard_query_count_does_not_grow_much_with_courses(
    client, user, django_assert_max_num_queries
):
    for n in range(3):
        services.enrollment_self_enrol(user=user, course=CourseFactory(title=f"C{n}"))
    client.force_login(user)
    with django_assert_max_num_queries(60):
        client.get(reverse("courses:dashboard"))


def test_enrollment_factory_is_usable(user, course):
    assert EnrollmentFactory(user=user, course=course).gives_access


def test_dashboard_shows_quiz_results_from_the_quiz_engine(client, user, quiz_results):
    quiz_results(title="Ethics check", slug="ethics", percent="85", passed=True)
    client.force_login(user)
    content = client.get(reverse("courses:dashboard")).content.decode()
    assert "Ethics check" in content and "85 %" in content and "Passed" in content


def test_dashboard_hides_a_score_the_quiz_review_policy_has_not_released(
    client, user, quiz_results
):
    quiz_results(
        title="Sealed exam", slug="sealed", percent="42", passed=False, score_visible=False
    )
    client.force_login(user)
    content = client.get(reverse("courses:dashboard")).content.decode()
    assert "Sealed exam" in content and "Not released yet" in content
    assert "42 %" not in content and "Not passed" not in content


def test_user_may_take_quiz_only_when_enrolled_in_a_course_containing_it(user, course, lessons):
    from courses.selectors import user_may_take_quiz
    from tests.courses.factories import make_quiz

    standalone = make_quiz(slug="standalone", title="Stand-alone")
    assert user_may_take_quiz(user=user, quiz=standalone) is True
    assert user_may_take_quiz(user=user, quiz=lessons[2].quiz) is False
    services.enrollment_self_enrol(user=user, course=course)
    assert user_may_take_quiz(user=user, quiz=lessons[2].quiz) is True


def test_a_finalised_quiz_attempt_completes_the_course(user, course, lessons, quiz_passes):
    from types import SimpleNamespace

    from courses.receivers import on_attempt_finalised
    from tests.factories import SecretariatFactory

    enrollment = services.enrollment_self_enrol(user=user, course=course)
    for lesson in lessons[:2]:
        services.lesson_mark_done(enrollment=enrollment, lesson=lesson)
    submission = services.submission_create(
        user=user, assignment=lessons[3].assignment, text="plan", enrollment=enrollment
    )
    services.submission_mark(submission=submission, reviewer=SecretariatFactory(), accepted=True)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE

    from django.utils import timezone

    failed = SimpleNamespace(user_id=user.pk, quiz_id=lessons[2].quiz_id, passed=False)
    on_attempt_finalised(attempt=failed)  # a result below the pass mark completes nothing
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE

    quiz_passes[(user.pk, lessons[2].quiz_id)] = timezone.localdate()
    on_attempt_finalised(
        attempt=SimpleNamespace(user_id=user.pk, quiz_id=lessons[2].quiz_id, passed=True)
    )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_showing_a_lesson_does_not_move_the_learners_place(client, user, course, lessons):
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    client.force_login(user)

    assert client.get(lessons[2].get_absolute_url()).status_code == 200

    enrollment.refresh_from_db()
    assert (enrollment.last_lesson_id, enrollment.last_visited_at) == (None, None)


def test_only_an_active_learner_can_record_a_lesson_visit(client, user, course, lessons):
    client.force_login(user)
    url = reverse("courses:lesson_visit", args=[course.slug, lessons[0].pk])

    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert not Enrollment.objects.filter(user=user).exists()
