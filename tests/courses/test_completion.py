"""Completion rules, certificates with a PDF and QR code, public verification."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from courses import services
from courses.certificates import certificate_pdf, verification_url
from courses.models import Certificate, CourseCompletion, EnrollmentStatus
from courses.selectors import assignment_accepted_on, course_completed_on
from courses.verification import VerificationResult, verify_code
from tests.courses.factories import finish_course
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db


def test_course_completes_when_required_lessons_done_quiz_passed_assignment_accepted(
    user, course, lessons, quiz_passes
):
    enrollment = finish_course(user, course, lessons, quiz_passes)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    completion = CourseCompletion.objects.get(user=user, course=course)
    assert completion.certificate.holder_name == user.full_name
    assert completion.certificate.course_title == course.title


def test_optional_lessons_are_not_needed(user, course, lessons, quiz_passes):
    enrollment = finish_course(user, course, lessons, quiz_passes)
    assert lessons[4].required is False
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_no_completion_without_quiz_pass(user, course, lessons, quiz_passes):
    enrollment = finish_course(user, course, lessons, quiz_passes, quiz=False)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert not Certificate.objects.exists()


def test_no_completion_without_accepted_assignment(user, course, lessons, quiz_passes):
    enrollment = finish_course(user, course, lessons, quiz_passes, assignment=False)
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_refresh_is_idempotent(user, course, lessons, quiz_passes):
    enrollment = finish_course(user, course, lessons, quiz_passes)
    services.enrollment_refresh_completion(enrollment=enrollment)
    services.enrollment_refresh_completion(enrollment=enrollment)
    assert CourseCompletion.objects.count() == 1 and Certificate.objects.count() == 1


def test_opening_the_course_page_only_reads_and_the_daily_sweep_completes_the_course(
    client, user, course, lessons, quiz_passes
):
    """A pass recorded outside the attempt flow (faked here) is not picked up by a page view:
    the daily sweep completes the course, and the page then shows the certificate."""
    enrollment = finish_course(user, course, lessons, quiz_passes, quiz=False)
    quiz_passes[(user.pk, lessons[2].quiz_id)] = timezone.localdate()
    client.force_login(user)

    client.get(course.get_absolute_url())
    client.get(reverse("courses:dashboard"))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert not CourseCompletion.objects.exists()

    call_command("courses_refresh_completions", stdout=StringIO())

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert b"Download your certificate" in client.get(course.get_absolute_url()).content


def test_a_retake_adds_a_completion_row_and_completed_on_answers_as_of_a_date(
    user, course, lessons, quiz_passes
):
    first = finish_course(user, course, lessons, quiz_passes)
    CourseCompletion.objects.filter(enrollment=first).update(completed_on=datetime.date(2023, 5, 1))
    second = finish_course(user, course, lessons, quiz_passes)
    assert second.pk != first.pk
    assert CourseCompletion.objects.filter(user=user, course=course).count() == 2
    today = timezone.localdate()
    assert course_completed_on(user=user, course=course) == today
    assert course_completed_on(user=user, course=course, on=datetime.date(2024, 1, 1)) == (
        datetime.date(2023, 5, 1)
    )
    assert course_completed_on(user=user, course=course, on=datetime.date(2022, 1, 1)) is None


def test_assignment_accepted_on_gives_the_acceptance_date(user, course, lessons, quiz_passes):
    finish_course(user, course, lessons, quiz_passes)
    assignment = lessons[3].assignment
    assert assignment_accepted_on(user=user, assignment=assignment) == timezone.localdate()
    assert (
        assignment_accepted_on(user=user, assignment=assignment, on=datetime.date(2020, 1, 1))
        is None
    )


def test_certificate_codes_are_unique_and_unguessable(user, course, lessons, quiz_passes):
    finish_course(user, course, lessons, quiz_passes)
    code = Certificate.objects.get().code
    assert len(code) >= 20 and code.isascii()


def test_certificate_pdf_is_a_pdf_with_the_verification_link(user, course, lessons, quiz_passes):
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    data = certificate_pdf(certificate)
    assert data.startswith(b"%PDF-")
    assert verification_url(certificate) == f"http://testserver/verify/{certificate.code}/"


def test_holder_downloads_the_pdf_others_cannot(client, user, course, lessons, quiz_passes):
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    client.force_login(user)
    response = client.get(certificate.get_pdf_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(certificate.get_pdf_url()).status_code == 404


def test_verify_page_shows_only_name_course_date_and_validity(
    client, user, course, lessons, quiz_passes
):
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    response = client.get(reverse("courses:verify", args=[certificate.code]))
    content = response.content.decode()
    assert response.status_code == 200
    assert user.full_name in content and course.title in content
    assert "Valid" in content
    assert user.email not in content


def test_verify_unknown_code_is_404(client):
    response = client.get(reverse("courses:verify", args=["no-such-code"]))
    assert response.status_code == 404
    assert b"no certificate with this code" in response.content.lower()


def test_revoked_certificate_verifies_as_revoked(client, user, course, lessons, quiz_passes):
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    services.certificate_revoke(certificate=certificate, actor=SecretariatFactory(), reason="error")
    result = verify_code(certificate.code)
    assert result.valid is False and result.status_label == "Revoked"


def test_the_verify_page_answers_for_certificates_of_apps_registered_by_hook(client):
    def lookup(code):
        if code != "acc-123":
            return None
        return VerificationResult(
            kind="Accreditation certificate",
            holder_name="Ada Auditor",
            title="Performance Standard V3",
            issued_on=datetime.date(2026, 1, 2),
            valid=True,
            status_label="Active",
            details=[("Scope", "Casthouse · NO")],
            valid_until=datetime.date(2029, 1, 1),
        )

    with hooks.register_temporarily("verify_certificate", lookup):
        content = client.get(reverse("courses:verify", args=["acc-123"])).content.decode()
    assert "Ada Auditor" in content and "Casthouse · NO" in content and "Active" in content


def test_daily_sweep_completes_enrolments_whose_quiz_was_passed(user, course, lessons, quiz_passes):
    from io import StringIO

    from django.core.management import call_command

    enrollment = finish_course(user, course, lessons, quiz_passes, quiz=False)
    quiz_passes[(user.pk, lessons[2].quiz_id)] = timezone.localdate()
    out = StringIO()
    call_command("courses_refresh_completions", stdout=out)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert "1 enrolment(s) completed." in out.getvalue()


def test_staff_revoke_a_certificate_from_the_admin_with_a_reason(
    staff_client, user, course, lessons, quiz_passes
):
    from wagtail.models import ModelLogEntry

    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    listing = staff_client.get(reverse("wagtailsnippets_courses_certificate:list"))
    revoke_url = reverse("courses_admin:revoke_certificate", args=[certificate.pk])
    assert revoke_url.encode() in listing.content
    assert staff_client.post(revoke_url, {"reason": ""}).status_code == 200  # reason required
    assert staff_client.post(revoke_url, {"reason": "Issued in error"}).status_code == 302
    certificate.refresh_from_db()
    assert not certificate.is_valid and certificate.revoked_reason == "Issued in error"
    assert ModelLogEntry.objects.filter(action="courses.certificate.revoked").exists()
