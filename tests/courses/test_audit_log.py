"""Every change of the courses app that matters writes one entry in the one audit log
(``lms.audit``): enrolments made and moved, submissions handed in and marked, certificates
issued and revoked. Staff with course permissions read them in Reports › Site history."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Certificate, Enrollment, Submission
from lms.audit import entries_for
from tests.courses.factories import CourseFactory, finish_course
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db


def _actions(instance) -> list[str]:
    """The audit actions about ``instance``, oldest first."""
    return list(reversed(entries_for(instance).values_list("action", flat=True)))


def test_a_self_enrolment_writes_one_entry_by_the_learner(client, user, course):
    client.force_login(user)
    client.post(reverse("courses:enrol", args=[course.slug]))

    enrollment = Enrollment.objects.get(user=user, course=course)
    entry = entries_for(enrollment).get()
    assert entry.action == "courses.enrollment.created" and entry.user == user
    assert entry.data["status"] == "active" and entry.data["source"] == "self"


def test_a_paid_place_held_activated_and_revoked_writes_each_move(user):
    course = CourseFactory()
    pending = services.enrollment_create_pending(user=user, course=course)
    services.enrollment_activate(user=user, course=course, source="payment:A-1")
    services.enrollment_revoke(enrollment=pending, reason="refund A-1")

    assert _actions(pending) == [
        "courses.enrollment.created",
        "courses.enrollment.activated",
        "courses.enrollment.revoked",
    ]
    revoked = entries_for(pending).first()
    assert revoked.user is None  # the system (a webhook's refund), not a person
    assert revoked.data == {"from": "active", "to": "revoked", "reason": "refund A-1"}


def test_staff_revoking_an_enrolment_are_named_with_their_reason(user):
    staff = SecretariatFactory()
    enrollment = services.enrollment_activate(user=user, course=CourseFactory(), source="staff")
    services.enrollment_revoke(enrollment=enrollment, reason="entered in error", actor=staff)

    revoked = entries_for(enrollment).first()
    assert revoked.action == "courses.enrollment.revoked" and revoked.user == staff
    assert revoked.data["reason"] == "entered in error"


def test_handing_in_and_marking_an_assignment_write_one_entry_each(
    user, course, lessons, quiz_passes
):
    enrollment = finish_course(user, course, lessons, quiz_passes)

    submission = Submission.objects.get(user=user)
    handed_in, accepted = entries_for(submission).order_by("timestamp", "pk")
    assert handed_in.action == "courses.submission.submitted" and handed_in.user == user
    assert handed_in.data["assignment"] == lessons[3].assignment_id
    assert accepted.action == "courses.submission.accepted"
    assert accepted.user == submission.reviewed_by
    assert _actions(enrollment)[-1] == "courses.enrollment.completed"


def test_a_certificate_issued_by_the_system_and_revoked_by_staff(
    user, course, lessons, quiz_passes
):
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    staff = SecretariatFactory()
    services.certificate_revoke(certificate=certificate, actor=staff, reason="issued in error")

    issued, revoked = entries_for(certificate).order_by("timestamp", "pk")
    assert issued.action == "courses.certificate.issued" and issued.user is None
    assert issued.data["holder"] == certificate.holder_name
    assert revoked.action == "courses.certificate.revoked" and revoked.user == staff
    assert revoked.data["reason"] == "issued in error"


def test_staff_see_course_entries_in_the_site_history(staff_client, user, course):
    services.enrollment_self_enrol(user=user, course=course)

    history = staff_client.get(reverse("wagtailadmin_reports:site_history"))

    assert history.status_code == 200
    assert "Enrolment created" in history.content.decode()
