"""A lesson's documents (its video, its downloads, documents linked from its body) are
served only to people who may read the lesson: learners with access to the course's
lessons, and staff. Their files are in the private storage, never under MEDIA_ROOT."""

import pytest
from django.test import Client

from courses.models import EnrollmentStatus, LessonDocument
from tests.cms.factories import make_document
from tests.courses.factories import CourseFactory, EnrollmentFactory, LessonFactory, ModuleFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_course():
    course = CourseFactory(title="Lead auditor course", price=(45000, 45000))
    ModuleFactory(course=course, title="Week 1")
    return course


@pytest.fixture
def lesson(paid_course):
    return LessonFactory(module=paid_course.modules.get(), title="Audit sampling")


def _get(url: str, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _learner(course, status=EnrollmentStatus.ACTIVE):
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner, status=status)
    return learner


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_paid_lessons_download_is_refused_to_anyone_who_has_not_enrolled(lesson):
    handout = make_document("Sampling handout", "sampling.pdf", b"%PDF-1.4 paid content")
    LessonDocument.objects.create(lesson=lesson, document=handout)

    anonymous = _get(handout.url)
    stranger = _get(handout.url, UserFactory())
    unpaid = _get(handout.url, _learner(lesson.module.course, EnrollmentStatus.PENDING_PAYMENT))

    for response in (anonymous, stranger, unpaid):
        assert response.status_code == 403
        assert b"paid content" not in _body(response)


def test_an_enrolled_learner_downloads_the_lessons_document(lesson):
    handout = make_document("Sampling handout", "sampling.pdf", b"%PDF-1.4 paid content")
    LessonDocument.objects.create(lesson=lesson, document=handout)

    response = _get(handout.url, _learner(lesson.module.course))

    assert response.status_code == 200
    assert _body(response) == b"%PDF-1.4 paid content"


def test_staff_download_a_lessons_document(lesson, staff_client):
    handout = make_document("Sampling handout", "sampling.pdf")
    LessonDocument.objects.create(lesson=lesson, document=handout)

    assert staff_client.get(handout.url).status_code == 200


def test_a_lessons_video_is_served_only_to_its_learners(lesson):
    video = make_document("Sampling video", "sampling.webm", b"\x1aE\xdf\xa3 video")
    lesson.video = video
    lesson.save()

    assert _get(video.url).status_code == 403
    assert _get(video.url, UserFactory()).status_code == 403
    assert _get(video.url, _learner(lesson.module.course)).status_code == 200


def test_a_document_linked_from_a_lesson_body_is_served_only_to_its_learners(lesson):
    sheet = make_document("Sampling sheet", "sheet.pdf")
    lesson.body = f'<p>Fill in <a linktype="document" id="{sheet.pk}">the sheet</a>.</p>'
    lesson.save()

    assert _get(sheet.url).status_code == 403
    assert _get(sheet.url, _learner(lesson.module.course)).status_code == 200


def test_a_learner_of_another_course_does_not_get_the_lessons_document(lesson):
    handout = make_document("Sampling handout", "sampling.pdf")
    LessonDocument.objects.create(lesson=lesson, document=handout)
    other_course = CourseFactory(title="Another course")

    assert _get(handout.url, _learner(other_course)).status_code == 403


def test_a_document_of_an_unpublished_course_is_not_served_to_its_learners(lesson):
    handout = make_document("Sampling handout", "sampling.pdf")
    LessonDocument.objects.create(lesson=lesson, document=handout)
    learner = _learner(lesson.module.course)
    course = lesson.module.course
    course.live = False
    course.save()

    assert _get(handout.url, learner).status_code == 403


def test_the_lesson_page_links_its_documents_through_the_checked_view(lesson):
    handout = make_document("Sampling handout", "sampling.pdf")
    LessonDocument.objects.create(lesson=lesson, document=handout)

    response = _get(lesson.get_absolute_url(), _learner(lesson.module.course))

    assert response.status_code == 200
    assert handout.url.encode() in response.content
    assert b"/media/" not in response.content
