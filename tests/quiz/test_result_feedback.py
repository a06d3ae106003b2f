"""The result page shows each marked essay's feedback, and "waiting for marking" for the
essays a marker has not reached, within the quiz's release rules (courses.quiz.records)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.quiz import services
from courses.quiz.models import AttemptStatus, ReviewLevel, ReviewWhen
from courses.quiz.records import EssayState, essay_feedback
from tests.quiz.factories import QuestionCategoryFactory, essay, quiz_with, single_choice

pytestmark = pytest.mark.django_db


def submitted(user, quiz, *answers):
    """An attempt of ``quiz`` by ``user`` with ``answers`` (one per position), submitted."""
    attempt = services.attempt_start(user=user, quiz=quiz)
    for position, answer in enumerate(answers):
        services.attempt_save_answer(attempt=attempt, position=position, answer=answer, version=0)
    return services.attempt_submit(attempt=attempt)


def mark(attempt, position, marker, *, fraction="1", feedback=""):
    response = attempt.responses.get(position=position)
    services.essay_mark(
        response=response, marker=marker, fraction=Decimal(fraction), feedback=feedback
    )
    attempt.refresh_from_db()
    return attempt


def feedback_section(content: str) -> str:
    """The "Marker's feedback" section of a result page ('' when there is none)."""
    found = re.search(r'<section class="quiz-essays".*?</section>', content, re.S)
    return found.group(0) if found else ""


def test_an_unmarked_essay_shows_waiting_for_marking_then_the_markers_feedback(
    member, member_client, staff_user
):
    quiz = quiz_with(single_choice(), essay(), review_level=ReviewLevel.FULL)
    attempt = submitted(member, quiz, {"choice": 0}, {"text": "Trace every lot."})
    url = reverse("quiz:result", args=[attempt.pk])

    section = feedback_section(member_client.get(url).content.decode())
    assert "Question 2" in section and "Waiting for marking" in section

    mark(attempt, 1, staff_user, fraction="0.5", feedback="Good start; cite the standard.")
    section = feedback_section(member_client.get(url).content.decode())
    assert "Good start; cite the standard." in section
    assert "Waiting for marking" not in section
    assert "0.50 / 1" in section  # this quiz shows marks per question


def test_an_exam_shows_the_markers_feedback_but_no_answer_key_and_no_mark_per_question(
    member, member_client, staff_user
):
    pool = QuestionCategoryFactory(is_exam_pool=True)
    quiz = quiz_with(
        single_choice(category=pool),
        essay(category=pool),
        is_exam=True,
        review_level=ReviewLevel.FULL,  # exams show the score at most, whatever is chosen
    )
    attempt = submitted(member, quiz, {"choice": 1}, {"text": "Audit plan."})
    mark(attempt, 1, staff_user, fraction="0.75", feedback="Sample sizes are missing.")
    assert attempt.status == AttemptStatus.FINISHED

    content = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    section = feedback_section(content)
    assert "Sample sizes are missing." in section and "0.75" not in section
    for secret in ("FEEDBACK-RIGHT-CHOICE", "FEEDBACK-WRONG-CHOICE", "Right answer", "Bauxite"):
        assert secret not in content


def test_a_quiz_that_shows_nothing_never_shows_the_feedback(member, member_client, staff_user):
    quiz = quiz_with(essay(), review_level=ReviewLevel.NOTHING)
    attempt = mark(submitted(member, quiz, {"text": "Mine."}), 0, staff_user, feedback="SEALED")

    content = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert "SEALED" not in content
    assert "Feedback of this quiz is not shown." in feedback_section(content)


def test_feedback_released_after_the_close_date_waits_for_it(member, member_client, staff_user):
    close_at = timezone.now() + datetime.timedelta(days=3)
    quiz = quiz_with(essay(), review_when=ReviewWhen.AFTER_CLOSE, close_at=close_at)
    attempt = mark(submitted(member, quiz, {"text": "Mine."}), 0, staff_user, feedback="LATER")
    url = reverse("quiz:result", args=[attempt.pk])

    content = member_client.get(url).content.decode()
    assert "LATER" not in content and "The feedback is shown after" in content

    quiz.close_at = timezone.now() - datetime.timedelta(minutes=1)
    quiz.open_at = None
    quiz.save(update_fields=["close_at", "open_at"])
    assert "LATER" in feedback_section(member_client.get(url).content.decode())


def test_feedback_is_held_until_every_essay_of_the_attempt_is_marked(
    member, member_client, staff_user
):
    quiz = quiz_with(essay(), essay())
    attempt = submitted(member, quiz, {"text": "One."}, {"text": "Two."})
    attempt = mark(attempt, 0, staff_user, feedback="FIRST-COMMENT")
    assert attempt.status == AttemptStatus.NEEDS_MARKING

    states = [(e.number, e.state, e.feedback) for e in essay_feedback(attempt=attempt)]
    assert states == [(1, EssayState.HELD, ""), (2, EssayState.PENDING, "")]
    section = feedback_section(
        member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    )
    assert "FIRST-COMMENT" not in section
    assert "The feedback is shown once every written answer is marked." in section
    assert "Waiting for marking" in section

    attempt = mark(attempt, 1, staff_user, feedback="SECOND-COMMENT")
    section = feedback_section(
        member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    )
    assert "FIRST-COMMENT" in section and "SECOND-COMMENT" in section


def test_a_marked_essay_without_a_comment_says_so(member, member_client, staff_user):
    attempt = mark(submitted(member, quiz_with(essay()), {"text": "Mine."}), 0, staff_user)
    section = feedback_section(
        member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    )
    assert "The marker left no comment." in section


def test_a_quiz_without_essays_has_no_feedback_section(member, member_client):
    attempt = submitted(member, quiz_with(single_choice()), {"choice": 0})
    content = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert feedback_section(content) == "" and "quiz-essays" not in content


def test_nobody_sees_another_persons_result_or_its_feedback(member, client, staff_user):
    from tests.factories import UserFactory

    attempt = mark(submitted(member, quiz_with(essay()), {"text": "Mine."}), 0, staff_user)
    client.force_login(UserFactory())
    assert client.get(reverse("quiz:result", args=[attempt.pk])).status_code == 404
