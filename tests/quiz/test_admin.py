"""The back office: import with preview, the essay marking queue, item statistics (point
10), and the Secretariat's access to the quiz engine's snippets."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.quiz import selectors, services, statistics
from courses.quiz.models import (
    AttemptStatus,
    Question,
    QuestionBank,
    QuizSlot,
)
from tests.factories import UserFactory
from tests.quiz.factories import essay, quiz_with, single_choice

pytestmark = pytest.mark.django_db

GIFT = "$CATEGORY: Imported\n\n::One::Pick {=a ~b}\n\n::Two::Say {=yes}\n"


def test_import_shows_a_preview_and_saves_only_after_confirming(staff_client, staff_user):
    url = reverse("quiz_admin:import")
    assert staff_client.get(url).status_code == 200
    upload = SimpleUploadedFile("bank.gift", GIFT.encode(), content_type="text/plain")
    preview = staff_client.post(url, {"file": upload, "format": "gift", "bank": "Imported bank"})
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "2 questions will be imported" in content and "Pick" in content
    assert not QuestionBank.objects.filter(name="Imported bank").exists()
    done = staff_client.post(url, {"confirm": "1"}, follow=True)
    assert "Imported 2 questions into Imported bank" in done.content.decode()
    assert Question.objects.filter(category__bank__name="Imported bank").count() == 2
    imported = selectors.log_entries(action="quiz.bank.imported").get()
    assert imported.user == staff_user
    assert imported.data["count"] == 2 and imported.data["source"] == "bank.gift"
    assert imported.object_id == str(QuestionBank.objects.get(name="Imported bank").pk)


def test_import_of_a_bad_file_names_the_line_and_writes_nothing(staff_client):
    upload = SimpleUploadedFile("bad.gift", b"::One::Fine {T}\n\n::Two::Broken {=a ~b\n")
    response = staff_client.post(
        reverse("quiz_admin:import"), {"file": upload, "format": "gift", "bank": "Bad"}
    )
    assert "line 3" in response.content.decode()
    assert not QuestionBank.objects.filter(name="Bad").exists()


def test_staff_mark_essays_from_the_queue_and_the_mark_is_logged(staff_client, staff_user, user):
    quiz = quiz_with(essay(), pass_mark=Decimal("50"))
    attempt = services.attempt_start(user=user, quiz=quiz)
    services.attempt_save_answer(
        attempt=attempt, position=0, answer={"text": "My essay"}, version=0
    )
    services.attempt_submit(attempt=attempt)
    queue = staff_client.get(reverse("quiz_admin:marking")).content.decode()
    assert quiz.title in queue
    response = attempt.responses.get()
    page = staff_client.get(reverse("quiz_admin:mark", args=[response.pk])).content.decode()
    assert "My essay" in page
    too_much = staff_client.post(reverse("quiz_admin:mark", args=[response.pk]), {"mark": "2"})
    assert too_much.status_code == 200  # the form is shown again with the error
    response.refresh_from_db()
    assert response.needs_marking
    staff_client.post(
        reverse("quiz_admin:mark", args=[response.pk]), {"mark": "0.75", "feedback": "Good"}
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED and attempt.percent == 75
    response.refresh_from_db()
    assert response.marked_by == staff_user and response.marked_at is not None
    assert (
        selectors.log_entries(attempt=attempt, action="quiz.essay.marked").get().user == staff_user
    )
    assert (
        "No essays are waiting" in staff_client.get(reverse("quiz_admin:marking")).content.decode()
    )


def test_an_essay_marked_meanwhile_by_someone_else_is_refused_on_the_form(
    staff_client, staff_user, user
):
    quiz = quiz_with(essay())
    attempt = services.attempt_start(user=user, quiz=quiz)
    services.attempt_save_answer(attempt=attempt, position=0, answer={"text": "Mine"}, version=0)
    services.attempt_submit(attempt=attempt)
    response = attempt.responses.get()
    services.essay_mark(response=response, marker=UserFactory(), fraction=Decimal("1"))

    page = staff_client.post(reverse("quiz_admin:mark", args=[response.pk]), {"mark": "0"})

    assert page.status_code == 200
    assert "This answer has already been marked." in page.content.decode()
    response.refresh_from_db()
    assert response.mark == 1 and response.marked_by != staff_user


def test_a_learner_cannot_open_the_marking_queue(member_client):
    response = member_client.get(reverse("quiz_admin:marking"))
    assert response.status_code in (302, 403)


def test_statistics_facility_and_discrimination_follow_moodles_definitions():
    easy, hard, other = single_choice(), single_choice(), single_choice()
    quiz = quiz_with(easy, hard, other)
    # answers per learner: (easy, hard, other) right?
    patterns = [(1, 1, 1), (1, 0, 1), (1, 0, 0), (0, 0, 0)]
    for pattern in patterns:
        learner = UserFactory()
        attempt = services.attempt_start(user=learner, quiz=quiz)
        for position, right in enumerate(pattern):
            services.attempt_save_answer(
                attempt=attempt,
                position=position,
                answer={"choice": 0 if right else 1},
                version=0,
            )
        services.attempt_submit(attempt=attempt)
    stats = statistics.quiz_statistics(quiz=quiz)
    assert stats.attempts == 4 and stats.mean_percent == Decimal("50.00")
    assert stats.pass_rate == Decimal("50.00")  # pass mark 50: 100 % and 66.67 %
    by_id = {item.question_id: item for item in stats.items}
    assert by_id[easy.pk].facility == Decimal("75.00")
    assert by_id[hard.pk].facility == Decimal("25.00")
    # easy item vs rest-of-test (hard+other): x=[1,1,1,0], rest=[2,1,0,0]
    expected = statistics.pearson([1, 1, 1, 0], [2, 1, 0, 0]) * 100
    assert by_id[easy.pk].discrimination == Decimal(str(expected)).quantize(Decimal("0.01"))
    assert by_id[easy.pk].discrimination == Decimal("52.22")


def test_statistics_page_and_csv_export(staff_client, user):
    quiz = quiz_with(single_choice())
    services.attempt_submit(attempt=services.attempt_start(user=user, quiz=quiz))
    page = staff_client.get(reverse("quiz_admin:statistics_detail", args=[quiz.pk]))
    assert page.status_code == 200 and "Facility index" in page.content.decode()
    export = staff_client.get(
        reverse("quiz_admin:statistics_detail", args=[quiz.pk]), {"format": "csv"}
    )
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[1] == ["attempts", "1"]
    assert rows[5][4] == "facility index (%)"
    assert rows[6][4] == "0.00"  # facility index of the only question


@pytest.mark.parametrize(
    "name",
    [
        "questionbank",
        "questioncategory",
        "question",
        "quiz",
        "quizoverride",
        "examsitting",
        "attempt",
    ],
)
def test_the_secretariat_can_list_the_quiz_engine_snippets(staff_client, name):
    assert staff_client.get(reverse(f"wagtailsnippets_quiz_{name}:list")).status_code == 200


def test_question_editor_refuses_a_single_choice_without_a_right_answer(staff_client):
    single_choice()  # makes a category
    category = Question.objects.first().category
    data = {
        "category": category.pk,
        "qtype": "single",
        "name": "New",
        "text": "Pick one",
        "text_format": "plain",
        "default_mark": "1",
        "general_feedback": "",
        "answers-TOTAL_FORMS": "2",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-text": "a",
        "answers-0-fraction": "0",
        "answers-0-tolerance": "0",
        "answers-0-ORDER": "1",
        "answers-1-text": "b",
        "answers-1-fraction": "0",
        "answers-1-tolerance": "0",
        "answers-1-ORDER": "2",
    }
    url = reverse("wagtailsnippets_quiz_question:add")
    response = staff_client.post(url, data)
    assert "needs one answer worth 100%" in response.content.decode()
    data["answers-0-fraction"] = "1"
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert Question.objects.get(name="New").answers.count() == 2


def test_quiz_editor_refuses_an_exam_pool_in_a_practice_quiz(staff_client):
    from tests.quiz.factories import QuestionCategoryFactory

    pool = QuestionCategoryFactory(is_exam_pool=True)
    data = {
        "title": "Practice",
        "slug": "practice-x",
        "description": "",
        "pass_mark": "50",
        "questions_per_page": "1",
        "attempt_delay_minutes": "0",
        "review_level": "full",
        "review_when": "immediately",
        "shuffle_answers": "on",
        "slots-TOTAL_FORMS": "1",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "slots-0-category": pool.pk,
        "slots-0-draw_count": "1",
        "slots-0-ORDER": "1",
    }
    response = staff_client.post(reverse("wagtailsnippets_quiz_quiz:add"), data)
    assert "exam pool" in response.content.decode()
    assert not QuizSlot.objects.exists()
