"""Issue 10, item 4: learner input cannot break grading.

Every answer is bounded in size and read safely, grading any answer is linear-time, and
one attempt that cannot be graded never stops the overdue sweep from closing the others.
"""

import datetime
import itertools
import logging
import re
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from courses.quiz import grading, services
from courses.quiz.exceptions import InvalidAnswer
from courses.quiz.models import AttemptStatus, QuestionType, Response
from tests.factories import UserFactory
from tests.quiz.factories import QuestionFactory, add_answers, essay, quiz_with, single_choice

pytestmark = pytest.mark.django_db

UNUSABLE_NUMBERS = [
    "1e999999999",
    "-1E+999999999",
    "1e-999999999",
    "NaN",
    "sNaN",
    "inf",
    "-Infinity",
]


def numerical():
    question = QuestionFactory(qtype=QuestionType.NUMERICAL)
    return add_answers(question, ("660", 1, "", {"tolerance": 2}))


def short_answer(*patterns):
    question = QuestionFactory(qtype=QuestionType.SHORT_ANSWER)
    return add_answers(question, *[(pattern, 1) for pattern in patterns])


def save_text(client, attempt, position, text, version=0):
    return client.post(
        reverse("quiz:save", args=[attempt.pk]),
        {"position": position, f"q{position}-version": version, f"q{position}-text": text},
    )


@pytest.mark.parametrize("text", UNUSABLE_NUMBERS)
def test_an_unusable_number_is_refused_with_400_and_the_attempt_still_submits(
    member, member_client, text
):
    quiz = quiz_with(numerical())
    attempt = services.attempt_start(user=member, quiz=quiz)
    response = save_text(member_client, attempt, 0, text)
    assert response.status_code == 400
    assert "not a finite number" in response.json()["error"]
    assert attempt.responses.get().answer is None
    assert save_text(member_client, attempt, 0, "659.5").json()["ok"]
    submitted = member_client.post(reverse("quiz:submit", args=[attempt.pk]))
    assert submitted.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED and attempt.percent == 100


def test_the_page_form_refuses_an_unusable_number_with_a_message(member, member_client):
    quiz = quiz_with(numerical())
    attempt = services.attempt_start(user=member, quiz=quiz)
    page = member_client.post(
        reverse("quiz:attempt", args=[attempt.pk]),
        {"page": 0, "q0-version": 0, "q0-text": "1e999999999", "action": "summary"},
        follow=True,
    )
    assert page.status_code == 200
    assert "Question 1: “1e999999999” is too large" in page.content.decode()
    assert attempt.responses.get().answer is None


@pytest.mark.parametrize("text", UNUSABLE_NUMBERS)
def test_an_unusable_number_stored_before_the_rule_is_graded_wrong_not_a_crash(user, text):
    quiz = quiz_with(numerical(), single_choice())
    attempt = services.attempt_start(user=user, quiz=quiz)
    Response.objects.filter(attempt=attempt, position=0).update(answer={"text": text})
    services.attempt_save_answer(attempt=attempt, position=1, answer={"choice": 0}, version=0)
    result = services.attempt_submit(attempt=attempt)
    assert result.status == AttemptStatus.FINISHED and result.percent == 50


def test_numbers_are_read_within_bounds_and_ordinary_text_is_still_just_wrong():
    assert grading.read_decimal("6.02e23") is not None and grading.read_decimal("-0.5") == -0.5
    assert grading.read_decimal("0e-999999999") == 0
    for text in [*UNUSABLE_NUMBERS, "1" * 101, "", "pi", None, 3]:
        assert grading.read_decimal(text) is None
    snapshot = grading.snapshot_question(numerical())
    assert grading.normalise_answer(snapshot, {"text": "about 660"}) == {"text": "about 660"}
    assert grading.grade(snapshot, {"text": "about 660"}) == 0


@pytest.mark.parametrize(
    ("make", "limit"),
    [(lambda: short_answer("bauxite"), 1_000), (numerical, 100), (essay, 20_000)],
)
def test_every_text_answer_is_bounded_by_its_type_with_a_clear_message(
    member, member_client, make, limit
):
    quiz = quiz_with(make())
    attempt = services.attempt_start(user=member, quiz=quiz)
    fits = "1" * limit
    too_long = "1" * (limit + 1)
    refused = save_text(member_client, attempt, 0, too_long)
    assert refused.status_code == 400
    assert f"at most {limit:,} characters" in refused.json()["error"]
    assert save_text(member_client, attempt, 0, "x" * 50_000).status_code == 400
    assert attempt.responses.get().answer is None
    assert save_text(member_client, attempt, 0, fits).json()["ok"]
    page = member_client.get(reverse("quiz:attempt", args=[attempt.pk])).content.decode()
    assert f'maxlength="{limit}"' in page


def test_an_essays_line_breaks_count_once_as_the_browser_counts_them():
    snapshot = grading.snapshot_question(essay())
    text = "a\r\n" * 6_000  # 18,000 characters in a textarea, 24,000 as posted
    assert grading.normalise_answer(snapshot, {"text": text}) == {"text": text}
    with pytest.raises(InvalidAnswer):
        grading.normalise_answer(snapshot, {"text": "a\r\n" * 10_001})


def _regex_match(pattern: str, text: str, case_sensitive: bool) -> bool:
    """The wildcard semantics before the linear matcher (exponential on bad input)."""
    regex = ".*".join(re.escape(part) for part in pattern.strip().split("*"))
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.fullmatch(regex, text.strip(), flags) is not None


def test_the_linear_wildcard_matcher_agrees_with_the_old_semantics_on_every_small_case():
    patterns = ["".join(p) for n in range(5) for p in itertools.product("aB*", repeat=n)]
    texts = ["".join(t) for n in range(6) for t in itertools.product("ab", repeat=n)]
    texts += [" ab ", "a\nb", "A\nB"]
    for pattern in patterns:
        for text in texts:
            for case_sensitive in (False, True):
                assert grading.wildcard_match(pattern, text, case_sensitive) == _regex_match(
                    pattern, text, case_sensitive
                ), (pattern, text, case_sensitive)


def test_a_pathological_wildcard_pattern_grades_a_huge_answer_in_linear_time():
    """The regex took 25 s for 12,000 characters; linear matching does 200,000 in well
    under a second (saves are bounded to 1,000, so this is the stored-answer worst case)."""
    question = short_answer("*a*a*a*a*a*a*a*a*b", "a*a*a*a*a*a*a*a*a*c*")
    snapshot = grading.snapshot_question(question)
    answer = {"text": "a" * 200_000}
    started = time.perf_counter()
    assert grading.grade(snapshot, answer) == 0
    assert grading.grade(snapshot, {"text": "a" * 100_000 + "c"}) == 1
    assert time.perf_counter() - started < 1.0


def test_a_short_answer_of_the_maximum_length_is_saved_and_graded_quickly(member, member_client):
    quiz = quiz_with(short_answer("*a*a*a*a*a*a*b"))
    attempt = services.attempt_start(user=member, quiz=quiz)
    assert save_text(member_client, attempt, 0, "a" * 1_000).json()["ok"]
    started = time.perf_counter()
    member_client.post(reverse("quiz:submit", args=[attempt.pk]))
    assert time.perf_counter() - started < 5.0
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED and attempt.percent == 0


def test_one_attempt_that_cannot_be_graded_does_not_stop_the_overdue_job(user, member, caplog):
    quiz = quiz_with(numerical(), single_choice(), time_limit_minutes=5)
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    ordinary = services.attempt_start(user=member, quiz=quiz, now=two_hours_ago)
    legacy = services.attempt_start(user=UserFactory(), quiz=quiz, now=two_hours_ago)
    # Rows written before grades were stored with answers (fraction empty): graded at the
    # submit, from what is stored.
    never_graded = {"fraction": None, "mark": None, "needs_marking": False}
    Response.objects.filter(attempt=legacy, position=0).update(
        answer={"text": "1e999999999"}, **never_graded
    )
    # Started last, so the old sweep (newest first) met it first and stopped there.
    poisoned = services.attempt_start(
        user=user, quiz=quiz, now=timezone.now() - datetime.timedelta(hours=1)
    )
    Response.objects.filter(attempt=poisoned, position=0).update(
        snapshot={"damaged": True}, **never_graded
    )

    out = StringIO()
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError) as error:
        call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "Submitted 2 overdue attempts"
    assert f"Could not submit 1 overdue attempts (ids {poisoned.pk})" in str(error.value)
    assert f"Could not submit overdue quiz attempt {poisoned.pk}" in caplog.text
    for attempt in (ordinary, legacy):
        attempt.refresh_from_db()
        assert attempt.status == AttemptStatus.FINISHED and attempt.auto_submitted
    assert legacy.percent == 0
    poisoned.refresh_from_db()
    assert poisoned.status == AttemptStatus.IN_PROGRESS  # rolled back whole, for a person
    assert poisoned.marks is None and poisoned.submitted_at is None
    assert poisoned.responses.get(position=0).fraction is None
