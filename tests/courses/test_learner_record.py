"""The learner record (/dashboard/record/ and its PDF): one person's courses with lessons
done, completion and certificate, quiz and exam attempts within the release rules, and
certificates, built by one selector in a fixed number of queries."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from courses import selectors, services
from courses.models import EnrollmentStatus, LessonKind
from courses.quiz import services as quiz_services
from courses.quiz.models import AttemptStatus, ReviewLevel
from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
from tests.factories import UserFactory
from tests.lms.test_pdf import _text_and_fonts
from tests.pdfs import assert_every_font_is_embedded
from tests.quiz.factories import QuestionCategoryFactory, essay, quiz_with, single_choice

pytestmark = pytest.mark.django_db

RECORD = reverse("courses:learner_record")
RECORD_PDF = reverse("courses:learner_record_pdf")


def submitted(user, quiz, *answers):
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    for position, answer in enumerate(answers):
        quiz_services.attempt_save_answer(
            attempt=attempt, position=position, answer=answer, version=0
        )
    return quiz_services.attempt_submit(attempt=attempt)


def mark_essay(attempt, position, marker, feedback):
    quiz_services.essay_mark(
        response=attempt.responses.get(position=position),
        marker=marker,
        fraction=Decimal("1"),
        feedback=feedback,
    )
    attempt.refresh_from_db()
    return attempt


def completed_course(user, title):
    """A one-lesson course the learner has completed (so it has a certificate)."""
    course = CourseFactory(title=title)
    lesson = LessonFactory(module=ModuleFactory(course=course), title=f"{title}: only lesson")
    enrollment = services.enrollment_self_enrol(user=user, course=course)
    services.lesson_mark_done(enrollment=enrollment, lesson=lesson)
    return course


@pytest.fixture
def learner(db):
    return UserFactory(full_name="Amaia Etxeberria")


@pytest.fixture
def learner_client(learner) -> Client:
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def history(learner, staff_user):
    return build_history(learner, staff_user)


def build_history(learner, marker) -> dict:
    """A course in progress (a lesson done, its quiz passed, one lesson left), a completed
    course, an exam waiting for marking, a quiz whose results are never shown and a quiz
    whose essay is marked with a comment."""
    sourcing_quiz = quiz_with(single_choice(), title="Sourcing check")
    course = CourseFactory(title="Responsible sourcing")
    module = ModuleFactory(course=course, title="Basics")
    welcome = LessonFactory(module=module, title="Welcome", sort_order=0)
    LessonFactory(
        module=module, title="Check", kind=LessonKind.QUIZ, quiz=sourcing_quiz, sort_order=1
    )
    LessonFactory(module=module, title="Further reading", sort_order=2)
    enrollment = services.enrollment_self_enrol(user=learner, course=course)
    services.lesson_mark_done(enrollment=enrollment, lesson=welcome)
    submitted(learner, sourcing_quiz, {"choice": 0})

    completed_course(learner, "Chain of custody basics")

    pool = QuestionCategoryFactory(is_exam_pool=True)
    exam = quiz_with(single_choice(category=pool), essay(category=pool), is_exam=True)
    exam.title = "Auditor exam"
    exam.save(update_fields=["title"])
    submitted(learner, exam, {"choice": 0}, {"text": "My audit plan."})

    sealed = quiz_with(single_choice(), title="Sealed quiz", review_level=ReviewLevel.NOTHING)
    submitted(learner, sealed, {"choice": 1})

    practice = quiz_with(essay(), title="Essay practice")
    mark_essay(submitted(learner, practice, {"text": "Mine."}), 0, marker, "Cite clause 5.2.")
    return {"course": course, "enrollment": enrollment, "exam": exam}


def test_the_record_counts_lessons_done_by_the_same_rule_as_the_course_outline(learner, history):
    record = selectors.learner_record(user=learner)
    by_title = {entry.course.title: entry for entry in record.courses}
    sourcing = by_title["Responsible sourcing"]
    outline = selectors.course_outline(course=history["course"], enrollment=history["enrollment"])
    assert (sourcing.done_count, sourcing.total) == (outline.done_count, outline.total) == (2, 3)
    assert [s.lesson.title for s in sourcing.done_lessons] == ["Welcome", "Check"]
    assert sourcing.enrollment.status == EnrollmentStatus.ACTIVE
    assert sourcing.completed_on is None and sourcing.certificate is None

    basics = by_title["Chain of custody basics"]
    assert basics.enrollment.status == EnrollmentStatus.COMPLETED
    assert basics.completed_on is not None
    assert basics.certificate is not None and basics.certificate in record.certificates


def test_the_record_sorts_quizzes_and_exams_and_releases_only_what_the_quiz_shows(learner, history):
    record = selectors.learner_record(user=learner)
    assert [a.quiz.title for a in record.exams] == ["Auditor exam"]
    exam = record.exams[0]
    assert exam.status == AttemptStatus.NEEDS_MARKING and exam.is_pending
    assert exam.percent is None and exam.passed is None and exam.essays_pending == 1

    quizzes = {a.quiz.title: a for a in record.quizzes}
    assert set(quizzes) == {"Sourcing check", "Sealed quiz", "Essay practice"}
    assert quizzes["Sourcing check"].released and quizzes["Sourcing check"].percent == 100
    sealed = quizzes["Sealed quiz"]
    assert not sealed.released and sealed.percent is None and sealed.passed is None
    practice = quizzes["Essay practice"]
    assert practice.feedback_count == 1
    assert practice.essays[0].feedback == "Cite clause 5.2."


def test_the_record_page_shows_courses_lessons_attempts_feedback_and_certificates(
    learner_client, learner, history
):
    response = learner_client.get(RECORD)
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "Responsible sourcing",
        "Chain of custody basics",
        "2 of 3",
        "Welcome",
        "Auditor exam",
        "Waiting for marking",
        "Sourcing check",
        "100 %",
        "Sealed quiz",
        "Not released yet",
        "1 comment from the marker",
        RECORD_PDF,
    ):
        assert text in content, text
    certificate = selectors.certificates_of(user=learner).get()
    assert certificate.get_pdf_url() in content
    # the feedback text itself is read on the result page, which the record links to
    practice = next(a for a in selectors.learner_record(user=learner).quizzes if a.feedback_count)
    assert f"{practice.result_url}#essays-heading" in content


def test_the_record_never_shows_an_unreleased_score_or_a_held_comment(
    learner, learner_client, staff_user
):
    sealed = quiz_with(essay(), title="Sealed essays", review_level=ReviewLevel.NOTHING)
    attempt = mark_essay(submitted(learner, sealed, {"text": "Mine."}), 0, staff_user, "SEALED")
    assert attempt.percent == 100  # marked in full, and still never shown

    content = learner_client.get(RECORD).content.decode()
    assert "Sealed essays" in content and "Not released yet" in content
    assert "100 %" not in content and "comment from the marker" not in content
    text = pdf_text(learner_client.get(RECORD_PDF).content)
    assert "Sealed essays" in text and "SEALED" not in text and "100" not in text


def test_an_empty_record_says_how_to_start_one(learner_client):
    content = learner_client.get(RECORD).content.decode()
    assert "Your record is empty" in content
    assert "No quiz attempts yet." in content and "No exam attempts yet." in content


def test_the_dashboard_links_to_the_record(learner_client):
    assert RECORD in learner_client.get(reverse("courses:dashboard")).content.decode()


def test_the_dashboard_lists_exams_and_quizzes_pending_or_marked(learner_client, learner, history):
    content = learner_client.get(reverse("courses:dashboard")).content.decode()
    results = re.search(r'<section aria-labelledby="quiz-heading".*?</section>', content, re.S)
    assert results is not None
    section = results.group(0)
    rows = {
        re.sub(r"<[^>]+>|\s+", " ", row).split()[0]: re.sub(r"<[^>]+>|\s+", " ", row)
        for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]
    }
    assert set(rows) == {"Auditor", "Essay", "Sealed", "Sourcing"}
    assert "Exam" in rows["Auditor"].split() and "Waiting for marking" in rows["Auditor"]
    assert "100 %" in rows["Essay"] and "1 comment from the marker" in rows["Essay"]
    assert "Not released yet" in rows["Sealed"] and "%" not in rows["Sealed"]
    assert "Exam" not in rows["Sourcing"].split()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_the_persons_own_record(learner_client, learner, history):
    response = learner_client.get(RECORD_PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    text, fonts = _text_and_fonts(response.content)
    assert fonts <= {"FiraSans-Regular", "FiraSans-Bold", "WenQuanYiMicroHei"}  # lms.pdf's fonts
    assert_every_font_is_embedded(response.content)
    assert "100 % · Passed" in text
    for title in (
        "Amaia Etxeberria",
        "Responsible sourcing",
        "Chain of custody basics",
        "Auditor exam",
        "Cite clause 5.2.",
    ):
        assert title in text, title


def test_nobody_gets_another_persons_record(client, learner, history):
    assert client.get(RECORD).status_code == 302
    response = client.get(RECORD_PDF)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    other = UserFactory(full_name="Bruno Other")
    client.force_login(other)
    page = client.get(RECORD, {"user": learner.pk}).content.decode()
    assert "Responsible sourcing" not in page and "Auditor exam" not in page
    text = pdf_text(client.get(RECORD_PDF, {"user": learner.pk}).content)
    assert "Bruno Other" in text
    assert "Amaia Etxeberria" not in text and "Responsible sourcing" not in text


def _history_of_size(user, marker, n: int) -> None:
    """n completed courses (each with a certificate), n quizzes with a marked essay, n
    exams waiting for marking."""
    pool = QuestionCategoryFactory(is_exam_pool=True)
    for index in range(n):
        completed_course(user, f"Course {index}")
        practice = quiz_with(essay(), title=f"Practice {index}")
        mark_essay(submitted(user, practice, {"text": "Mine."}), 0, marker, f"Comment {index}")
        exam = quiz_with(essay(category=pool), is_exam=True, title=f"Exam {index}")
        submitted(user, exam, {"text": "Mine."})


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_the_record_takes_a_fixed_number_of_queries_whatever_its_size(staff_user):
    small, large = UserFactory(), UserFactory()
    _history_of_size(small, staff_user, 2)
    _history_of_size(large, staff_user, 7)

    counts = {}
    for user in (small, large):
        record = selectors.learner_record(user=user)
        assert len(record.courses) == len(record.certificates) == len(record.exams)
        counts[user.pk] = _queries(lambda user=user: selectors.learner_record(user=user))
    assert counts[small.pk] == counts[large.pk] <= 8

    pages = {}
    for user in (small, large):
        client = Client()
        client.force_login(user)
        client.get(RECORD)  # warm up the session and caches
        pages[user.pk] = (
            _queries(lambda client=client: client.get(RECORD)),
            _queries(lambda client=client: client.get(RECORD_PDF)),
        )
    assert pages[small.pk] == pages[large.pk]
