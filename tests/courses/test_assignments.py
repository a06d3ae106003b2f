"""Assignment submissions with limits, staff marking, feedback and resubmission."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from courses.models import Submission, SubmissionStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def assignment_lesson(lessons):
    return lessons[3]


@pytest.fixture
def enrolled_client(client, user, course):
    services.enrollment_self_enrol(user=user, course=course)
    client.force_login(user)
    return client


def _submit(client, course, lesson, **data):
    return client.post(reverse("courses:assignment_submit", args=[course.slug, lesson.pk]), data)


def test_learner_submits_text_and_a_file(
    enrolled_client, user, course, assignment_lesson, settings
):
    response = _submit(
        enrolled_client,
        course,
        assignment_lesson,
        text="My plan",
        file=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    assert response.status_code == 302
    submission = Submission.objects.get(user=user)
    assert submission.text == "My plan" and submission.original_filename == "plan.pdf"
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not submission.file.path.startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("fake.docx", PDF),
        ("picture.png", b"GIF89a"),
    ],
)
def test_files_of_wrong_type_or_content_are_refused(
    enrolled_client, course, assignment_lesson, name, content
):
    response = _submit(
        enrolled_client, course, assignment_lesson, file=SimpleUploadedFile(name, content)
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_real_docx_is_accepted(enrolled_client, course, assignment_lesson):
    response = _submit(
        enrolled_client, course, assignment_lesson, file=SimpleUploadedFile("plan.docx", _docx())
    )
    assert response.status_code == 302 and Submission.objects.count() == 1


def test_files_over_the_size_limit_are_refused(
    enrolled_client, course, assignment_lesson, settings
):
    settings.COURSES_ASSIGNMENT_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.txt", b"a" * 1001)
    response = _submit(enrolled_client, course, assignment_lesson, file=big)
    assert response.status_code == 400
    assert b"too large" in response.content


def test_empty_submission_is_refused(enrolled_client, course, assignment_lesson):
    response = _submit(enrolled_client, course, assignment_lesson, text="  ")
    assert response.status_code == 400


def test_no_second_submission_while_one_waits(enrolled_client, course, assignment_lesson):
    _submit(enrolled_client, course, assignment_lesson, text="first")
    refused = _submit(enrolled_client, course, assignment_lesson, text="second")
    assert Submission.objects.count() == 1
    # the refusal is shown on the form that was sent
    assert refused.status_code == 400
    assert "Your previous submission is waiting to be marked." in refused.content.decode()


def test_staff_mark_needs_revision_learner_sees_feedback_and_resubmits(
    enrolled_client, staff_client, staff_user, user, course, assignment_lesson
):
    _submit(enrolled_client, course, assignment_lesson, text="first try")
    submission = Submission.objects.get()
    queue = staff_client.get(reverse("courses_admin:marking_queue"))
    assert queue.status_code == 200 and assignment_lesson.assignment.title.encode() in queue.content

    url = reverse("courses_admin:mark_submission", args=[submission.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"decision": "needs_revision", "feedback": "Add timelines."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NEEDS_REVISION
    assert submission.reviewed_by == staff_user and submission.reviewed_at is not None

    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="courses.submission.needs_revision").exists()

    page = enrolled_client.get(assignment_lesson.get_absolute_url())
    assert b"Add timelines." in page.content and b"Submit a revised version" in page.content
    _submit(enrolled_client, course, assignment_lesson, text="second try")
    assert Submission.objects.filter(user=user).count() == 2

    latest = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).get()
    staff_client.post(
        reverse("courses_admin:mark_submission", args=[latest.pk]), {"decision": "accepted"}
    )
    latest.refresh_from_db()
    assert latest.status == SubmissionStatus.ACCEPTED
    page = enrolled_client.get(assignment_lesson.get_absolute_url())
    assert b"Accepted" in page.content and b"Submit a revised version" not in page.content


def test_needs_revision_requires_feedback(enrolled_client, staff_client, course, assignment_lesson):
    _submit(enrolled_client, course, assignment_lesson, text="first try")
    submission = Submission.objects.get()
    url = reverse("courses_admin:mark_submission", args=[submission.pk])
    staff_client.post(url, {"decision": "needs_revision", "feedback": ""})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_learners_cannot_open_the_marking_queue(enrolled_client):
    response = enrolled_client.get(reverse("courses_admin:marking_queue"))
    assert response.status_code in (302, 403)


def test_submission_files_are_served_to_owner_and_staff_only(
    enrolled_client, client, staff_client, course, assignment_lesson
):
    _submit(
        enrolled_client,
        course,
        assignment_lesson,
        file=SimpleUploadedFile("notes.txt", b"hello world"),
    )
    submission = Submission.objects.get()
    url = reverse("courses:submission_file", args=[submission.pk])
    owner = enrolled_client.get(url)
    assert owner.status_code == 200 and b"".join(owner.streaming_content) == b"hello world"
    assert staff_client.get(url).status_code == 200
    other = client.__class__()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 404
