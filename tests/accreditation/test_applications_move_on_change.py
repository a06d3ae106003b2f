"""Open applications move when an input of their requirements changes, never on a page view.

The inputs: a course completed, an assignment accepted, a quiz or exam finalised (hooks
from courses and the quiz engine), evidence reviewed, a programme's requirements edited,
and time (the daily run). The auditor's and the reviewer's pages only read.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accreditation import services
from accreditation.models import Application, ApplicationStatusChange, AuditorProfile, Requirement
from accreditation.services import run_daily
from courses import services as course_services
from courses.models import Lesson
from tests.accreditation.factories import ApplicationFactory, ProgrammeFactory, RequirementFactory
from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = Application.Status


def _submitted_application(user, **requirement):
    """A submitted application missing one requirement, so "in training"."""
    application = ApplicationFactory(auditor=AuditorProfile.objects.create(user=user))
    programme = ProgrammeFactory(standard_version=application.standard_version)
    RequirementFactory(programme=programme, title="Core training", **requirement)
    services.application_submit(application=application, by=user)
    application.refresh_from_db()
    assert application.status == S.IN_TRAINING
    return application


def test_auditor_and_reviewer_pages_do_not_move_an_application_the_daily_run_does(
    training, course, staff_client
):
    user = UserFactory()
    application = _submitted_application(
        user, kind=Requirement.Kind.COURSE_COMPLETED, course=course
    )
    training.completed(user, course, timezone.localdate())  # met, but nobody was told
    moves = ApplicationStatusChange.objects.count()
    client = Client()
    client.force_login(user)

    assert client.get(reverse("accreditation:mine")).status_code == 200
    assert (
        client.get(reverse("accreditation:application", args=[application.pk])).status_code == 200
    )
    review = reverse("accreditation_application:review", args=[application.pk])
    assert staff_client.get(review).status_code == 200

    application.refresh_from_db()
    assert application.status == S.IN_TRAINING
    assert ApplicationStatusChange.objects.count() == moves

    assert run_daily().applications_moved == 1
    application.refresh_from_db()
    assert application.status == S.READY_FOR_REVIEW


def test_completing_the_required_course_moves_the_open_application_at_once(
    django_capture_on_commit_callbacks,
):
    course = CourseFactory(title="Auditor core", slug="auditor-core")
    module = ModuleFactory(course=course, title="Core", sort_order=0)
    lesson = LessonFactory(module=module, title="Read the standard", sort_order=0)
    user = UserFactory()
    application = _submitted_application(
        user, kind=Requirement.Kind.COURSE_COMPLETED, course=course
    )
    enrollment = course_services.enrollment_activate(user=user, course=course, source="test")

    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_mark_done(
            enrollment=enrollment, lesson=Lesson.objects.get(pk=lesson.pk)
        )

    application.refresh_from_db()
    assert application.status == S.READY_FOR_REVIEW
    move = application.history.order_by("-pk").first()
    assert (move.to_status, move.note) == (S.READY_FOR_REVIEW, "every requirement is met")


def test_dropping_the_missing_requirement_moves_the_programmes_open_applications():
    user = UserFactory()
    application = _submitted_application(user, kind=Requirement.Kind.EVIDENCE_ACCEPTED)
    Requirement.objects.filter(programme__standard_version=application.standard_version).delete()

    moved = services.applications_refresh_for_version(standard_version=application.standard_version)

    application.refresh_from_db()
    assert (moved, application.status) == (1, S.READY_FOR_REVIEW)


def test_refreshing_twice_records_one_move():
    user = UserFactory()
    application = _submitted_application(user, kind=Requirement.Kind.EVIDENCE_ACCEPTED)
    Requirement.objects.filter(programme__standard_version=application.standard_version).delete()
    stale = Application.objects.get(pk=application.pk)  # a second caller's older copy

    services.application_refresh_status(application=application)
    services.application_refresh_status(application=stale)

    assert application.history.filter(to_status=S.READY_FOR_REVIEW).count() == 1


def test_the_profile_page_creates_no_profile_until_it_is_saved():
    user = UserFactory()
    client = Client()
    client.force_login(user)

    assert client.get(reverse("accreditation:profile")).status_code == 200
    assert not AuditorProfile.objects.filter(user=user).exists()
    assert not user.groups.filter(name="Auditors").exists()

    client.post(reverse("accreditation:profile"), {"languages": "English", "listed_consent": "on"})

    profile = AuditorProfile.objects.get(user=user)
    assert (profile.languages, profile.listed_consent) == ("English", True)
    assert user.groups.filter(name="Auditors").exists()


def test_the_daily_run_answers_recency_as_of_its_date(training, course):
    user = UserFactory()
    application = _submitted_application(
        user, kind=Requirement.Kind.COURSE_COMPLETED, course=course
    )
    training.completed(user, course, timezone.localdate() + datetime.timedelta(days=3))

    assert run_daily().applications_moved == 0
    assert run_daily(on=timezone.localdate() + datetime.timedelta(days=3)).applications_moved == 1
    application.refresh_from_db()
    assert application.status == S.READY_FOR_REVIEW
