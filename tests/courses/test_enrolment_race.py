"""Enrolling twice at once (double click, parallel tabs) gives one enrolment, never a 500."""

import pytest

from courses import selectors, services
from courses.models import Enrollment, EnrollmentStatus, EnrollmentStatusChange
from tests.courses.factories import CourseFactory
from tests.races import needs_postgres, run_concurrently


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_self_enrolments_on_one_course_all_return_the_one_enrolment(user):
    course = CourseFactory()

    results = run_concurrently(10, lambda: services.enrollment_self_enrol(user=user, course=course))

    assert all(isinstance(result, Enrollment) for result in results), results
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert {result.pk for result in results} == {enrollment.pk}
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert EnrollmentStatusChange.objects.filter(enrollment=enrollment).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_self_enrolment_pages_all_answer_with_a_redirect_not_a_server_error(user):
    from django.test import Client

    course = CourseFactory()

    def enrol():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client.post(f"/courses/{course.slug}/enrol/").status_code

    statuses = run_concurrently(8, enrol)

    assert statuses == [302] * 8
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def _first_look_up_misses(monkeypatch):
    """The look-up of this request runs before the competitor's insert is committed: it
    finds nothing, and this request's own insert then meets the competitor's row."""
    real_look_up = selectors.locked_open_enrollment
    calls = []

    def look_up(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real_look_up(**kwargs)

    monkeypatch.setattr(selectors, "locked_open_enrollment", look_up)
    return calls


@pytest.mark.django_db
def test_an_enrolment_losing_the_race_at_the_constraint_returns_the_winners_enrolment(
    user, monkeypatch
):
    """Both requests passed the self-enrolment checks (no enrolment yet) and activate."""
    course = CourseFactory()
    winner = services.enrollment_activate(user=user, course=course, source="self")
    calls = _first_look_up_misses(monkeypatch)

    enrollment = services.enrollment_activate(user=user, course=course, source="self")

    assert len(calls) == 2  # the insert was tried, refused, and the winner read
    assert enrollment.pk == winner.pk
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
    assert EnrollmentStatusChange.objects.filter(enrollment=winner).count() == 1


@pytest.mark.django_db
def test_an_activation_losing_the_race_to_a_pending_place_activates_that_place(user, monkeypatch):
    """A payment holds a place (pending) while the learner is enrolled another way: the
    activation takes over the pending place instead of failing."""
    course = CourseFactory()
    pending = services.enrollment_create_pending(user=user, course=course)
    _first_look_up_misses(monkeypatch)

    enrollment = services.enrollment_activate(user=user, course=course, source="voucher")

    assert enrollment.pk == pending.pk
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.source == "voucher"
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
