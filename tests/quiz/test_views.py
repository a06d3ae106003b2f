"""The learner pages, and their page-level integrity checks."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.quiz import services
from courses.quiz.models import (
    Attempt,
    AttemptStatus,
    QuestionCategory,
    QuestionType,
    ReviewLevel,
)
from tests.factories import UserFactory
from tests.quiz.factories import (
    QuestionFactory,
    add_answers,
    choice_token,
    essay,
    quiz_with,
    single_choice,
)

pytestmark = pytest.mark.django_db

SECRET_MARKERS = ["SECRET-FEEDBACK", "SECRET-GENERAL", "SECRET-ACCEPTED", "SECRET-NUMBER-4242"]


def leaky_quiz(**kwargs):
    """One question of every type whose right answers and feedback carry secret markers."""
    single = QuestionFactory(qtype=QuestionType.SINGLE, general_feedback="SECRET-GENERAL-1")
    add_answers(single, ("Bauxite", 1, "SECRET-FEEDBACK-1"), ("Copper", 0, "SECRET-FEEDBACK-2"))
    multi = QuestionFactory(qtype=QuestionType.MULTIPLE)
    add_answers(multi, ("PS", "0.5", "SECRET-FEEDBACK-3"), ("CoC", "0.5"), ("Tin", "-1"))
    short = QuestionFactory(qtype=QuestionType.SHORT_ANSWER)
    add_answers(short, ("SECRET-ACCEPTED-ANSWER", 1, "SECRET-FEEDBACK-4"))
    numerical = QuestionFactory(qtype=QuestionType.NUMERICAL)
    add_answers(numerical, ("4242", 1, "SECRET-FEEDBACK-5"))
    numerical.text = "Give the number."
    numerical.save()
    tf = QuestionFactory(qtype=QuestionType.TRUE_FALSE, general_feedback="SECRET-GENERAL-2")
    add_answers(tf, ("True", 1, "SECRET-FEEDBACK-6"), ("False", 0, "SECRET-FEEDBACK-7"))
    return quiz_with(single, multi, short, numerical, tf, essay(), **kwargs)


def assert_no_secrets(content: str):
    for marker in [*SECRET_MARKERS, "4242"]:
        assert marker not in content, marker
    for attribute in ("fraction", "data-correct", "is_correct", 'feedback":'):
        assert attribute not in content, attribute


def test_correct_answers_never_appear_in_any_page_or_json_before_review(member, member_client):
    quiz = leaky_quiz(questions_per_page=1, review_level=ReviewLevel.FULL, time_limit_minutes=30)
    pages = [member_client.get(quiz.get_absolute_url())]
    member_client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(user=member, quiz=quiz)
    for page in range(attempt.page_count):
        pages.append(member_client.get(reverse("quiz:attempt", args=[attempt.pk]), {"page": page}))
    pages.append(member_client.get(reverse("quiz:summary", args=[attempt.pk])))
    pages.append(member_client.get(reverse("quiz:time", args=[attempt.pk])))
    pages.append(
        member_client.post(
            reverse("quiz:save", args=[attempt.pk]),
            {"position": 0, "q0-version": 0, "q0-choice": choice_token(attempt, 0, 0)},
        )
    )
    pages.append(
        member_client.post(
            reverse("quiz:save", args=[attempt.pk]),
            {"position": 2, "q2-version": 0, "q2-text": "guess"},
        )
    )
    pages.append(
        member_client.post(
            reverse("quiz:flag", args=[attempt.pk]), {"position": 1, "flagged": "true"}
        )
    )
    pages.append(member_client.get(reverse("quiz:result", args=[attempt.pk]), follow=True))
    for response in pages:
        assert response.status_code == 200, response
        assert_no_secrets(response.content.decode())
    # once review is allowed (full review, practice quiz) the feedback is shown
    member_client.post(reverse("quiz:submit", args=[attempt.pk]))
    result = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert "SECRET-FEEDBACK-1" in result and "SECRET-GENERAL-1" in result


def test_an_exam_never_shows_correct_answers_whatever_the_review_setting(member, member_client):
    quiz = leaky_quiz(is_exam=True, review_level=ReviewLevel.FULL)
    QuestionCategory.objects.update(is_exam_pool=True)
    attempt = services.attempt_start(user=member, quiz=quiz)
    services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 1}, version=0)
    services.attempt_submit(attempt=attempt)
    content = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert_no_secrets(content)
    assert "Bauxite" not in content  # not even the choices of the questions
    assert "Waiting for a marker" in content or "%" in content


def test_review_policy_score_only_shows_no_correctness(member, member_client):
    quiz = quiz_with(single_choice(), review_level=ReviewLevel.SCORE)
    attempt = services.attempt_start(user=member, quiz=quiz)
    services.attempt_submit(attempt=attempt)
    content = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert "0 %" in content and "Incorrect" not in content and "FEEDBACK" not in content


def test_review_after_close_shows_nothing_until_the_close_date(member, member_client):
    quiz = quiz_with(
        single_choice(),
        review_when="after_close",
        close_at=timezone.now() + datetime.timedelta(days=1),
    )
    attempt = services.attempt_start(user=member, quiz=quiz)
    services.attempt_submit(attempt=attempt)
    content = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert "Results are shown after" in content and "FEEDBACK" not in content


def test_another_users_attempt_is_a_404(member, member_client):
    quiz = quiz_with(single_choice())
    other = services.attempt_start(user=UserFactory(), quiz=quiz)
    for name in ("quiz:attempt", "quiz:summary", "quiz:result", "quiz:time"):
        assert member_client.get(reverse(name, args=[other.pk])).status_code == 404
    for name in ("quiz:save", "quiz:flag", "quiz:submit"):
        response = member_client.post(
            reverse(name, args=[other.pk]), {"position": 0, "q0-version": 0, "q0-choice": 0}
        )
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == AttemptStatus.IN_PROGRESS
    assert other.responses.get().answer is None


def test_a_replayed_json_save_is_refused_with_409_and_overwrites_nothing(member, member_client):
    quiz = quiz_with(single_choice())
    attempt = services.attempt_start(user=member, quiz=quiz)
    url = reverse("quiz:save", args=[attempt.pk])
    first = member_client.post(
        url, {"position": 0, "q0-version": 0, "q0-choice": choice_token(attempt, 0, 0)}
    )
    assert first.status_code == 200 and first.json()["version"] == 1
    replay = member_client.post(
        url, {"position": 0, "q0-version": 0, "q0-choice": choice_token(attempt, 0, 1)}
    )
    assert replay.status_code == 409 and "out of date" in replay.json()["error"]
    assert attempt.responses.get().answer == {"choice": 0}


def test_an_old_tab_posting_the_page_form_is_refused_with_a_message(member, member_client):
    quiz = quiz_with(single_choice())
    attempt = services.attempt_start(user=member, quiz=quiz)
    url = reverse("quiz:attempt", args=[attempt.pk])
    first, third = choice_token(attempt, 0, 0), choice_token(attempt, 0, 2)
    member_client.post(url, {"page": 0, "q0-version": 0, "q0-choice": first, "action": "next"})
    response = member_client.post(
        url, {"page": 0, "q0-version": 0, "q0-choice": third, "action": "next"}, follow=True
    )
    assert "out of date" in response.content.decode()
    assert attempt.responses.get().answer == {"choice": 0}


def test_a_save_after_the_deadline_is_refused_and_the_attempt_submitted(member, member_client):
    quiz = quiz_with(single_choice(), time_limit_minutes=1)
    attempt = services.attempt_start(
        user=member, quiz=quiz, now=timezone.now() - datetime.timedelta(minutes=2)
    )
    response = member_client.post(
        reverse("quiz:save", args=[attempt.pk]),
        {"position": 0, "q0-version": 0, "q0-choice": choice_token(attempt, 0, 0)},
    )
    assert response.status_code == 410
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED and attempt.responses.get().answer is None


def test_coming_back_to_the_quiz_page_resumes_without_resetting_the_clock(member, member_client):
    quiz = quiz_with(single_choice(), time_limit_minutes=30)
    member_client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(user=member)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - datetime.timedelta(minutes=20),
        deadline=attempt.deadline - datetime.timedelta(minutes=20),
    )
    detail = member_client.get(quiz.get_absolute_url()).content.decode()
    assert "Continue your attempt" in detail
    member_client.post(reverse("quiz:start", args=[quiz.slug]))
    assert Attempt.objects.filter(user=member).count() == 1
    page = member_client.get(reverse("quiz:attempt", args=[attempt.pk])).content.decode()
    remaining = int(re.search(r'data-remaining="(\d+)"', page).group(1))
    assert 9 * 60 < remaining <= 10 * 60
    data = json.loads(member_client.get(reverse("quiz:time", args=[attempt.pk])).content)
    assert 9 * 60 < data["remaining"] <= 10 * 60


def test_the_full_journey_without_javascript(member, member_client):
    quiz = quiz_with(single_choice(), single_choice(), pass_mark=50, questions_per_page=1)
    response = member_client.post(reverse("quiz:start", args=[quiz.slug]), follow=True)
    attempt = Attempt.objects.get(user=member)
    assert response.redirect_chain[-1][0] == reverse("quiz:attempt", args=[attempt.pk])
    content = response.content.decode()
    assert "<fieldset" in content and "<legend>" in content
    ids = re.findall(r'<input type="radio" id="([^"]+)"', content)
    assert len(ids) == 3 and all(f'<label for="{i}">' in content for i in ids)  # labelled
    right, wrong = choice_token(attempt, 0, 0), choice_token(attempt, 1, 1)
    url = reverse("quiz:attempt", args=[attempt.pk])
    response = member_client.post(
        url, {"page": 0, "q0-version": 0, "q0-choice": right, "action": "flag:0"}
    )
    assert attempt.responses.get(position=0).flagged
    response = member_client.post(
        url, {"page": 0, "q0-version": 1, "q0-choice": right, "action": "next"}
    )
    assert response.url.endswith("?page=1")
    response = member_client.post(
        url, {"page": 1, "q1-version": 0, "q1-choice": wrong, "action": "summary"}, follow=True
    )
    summary = response.content.decode()
    assert "Review before submitting" in summary and "Flagged" in summary
    response = member_client.post(reverse("quiz:submit", args=[attempt.pk]), follow=True)
    result = response.content.decode()
    assert "50 %" in result and "Passed" in result
    attempt.refresh_from_db()
    assert attempt.percent == 50 and attempt.passed


def test_starting_is_a_post_and_the_detail_page_shows_attempts_left(member, member_client):
    quiz = quiz_with(single_choice(), max_attempts=2)
    assert member_client.get(reverse("quiz:start", args=[quiz.slug])).status_code == 405
    content = member_client.get(quiz.get_absolute_url()).content.decode()
    assert "You may take this quiz 2 times. 0 used, 2 left." in content
    anonymous = Client().get(quiz.get_absolute_url())
    assert anonymous.status_code == 200 and "Sign in to start" in anonymous.content.decode()
    assert "Unlimited" not in anonymous.content.decode()


def test_numbers_the_page_cannot_read_are_refused_the_same_way_everywhere(member, member_client):
    quiz = quiz_with(single_choice(), single_choice(), questions_per_page=1)
    attempt = services.attempt_start(user=member, quiz=quiz)
    page_url = reverse("quiz:attempt", args=[attempt.pk])

    assert member_client.get(page_url, {"page": "two"}).status_code == 200  # the first page
    unreadable = member_client.post(
        reverse("quiz:save", args=[attempt.pk]), {"position": "first", "q0-version": 0}
    )
    assert unreadable.status_code == 400
    assert unreadable.json() == {"ok": False, "error": "The answer could not be read."}
    flag = member_client.post(reverse("quiz:flag", args=[attempt.pk]), {"position": "x"})
    assert flag.status_code == 400
    old_form = member_client.post(
        page_url,
        {"page": "x", "q0-version": "v", "q0-choice": choice_token(attempt, 0, 0)},
        follow=True,
    )
    assert "Question 1: The answer could not be read." in old_form.content.decode()
    assert attempt.responses.get(position=0).answer is None
    member_client.post(page_url, {"page": 0, "q0-version": 0, "action": "flag:x"})
    assert not attempt.responses.filter(flagged=True).exists()


def test_a_refused_start_is_shown_as_a_message_on_the_quiz_page(member, member_client):
    quiz = quiz_with(single_choice(), max_attempts=1)
    services.attempt_submit(attempt=services.attempt_start(user=member, quiz=quiz))

    response = member_client.post(reverse("quiz:start", args=[quiz.slug]), follow=True)

    assert response.redirect_chain[-1][0] == quiz.get_absolute_url()
    assert "You have used all the attempts allowed for this quiz." in response.content.decode()
    assert Attempt.objects.filter(user=member).count() == 1
