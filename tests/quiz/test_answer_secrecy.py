"""Issue 10, item 2: nothing in an attempt page identifies the right answer.

Choices and matching options reach the browser under random per-response tokens; the
tests below draw many attempts and show that neither the values, nor their order, nor
their place on the page say which one is right.

The statistical bounds are Hoeffding's: for N independent draws where an outcome has
probability p, P(count >= N*p + t) <= exp(-2 t^2 / N). With N = 200, p = 1/4 and t = 45,
that is exp(-20.25) < 2e-9 per bound (and the same below), so a correct implementation
cannot fail them in practice, while the leaks they guard against put every draw (200) on
one side.
"""

import importlib
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from courses.quiz import services
from courses.quiz.models import AttemptStatus, QuestionCategory, QuestionType, ReviewLevel
from tests.quiz.factories import (
    QuestionFactory,
    add_answers,
    choice_token,
    quiz_with,
    token_for,
)

pytestmark = pytest.mark.django_db

DRAWS = 200
CHOICES = 4
LOW, HIGH = DRAWS // CHOICES - 45, DRAWS // CHOICES + 45  # 5 .. 95, see the module docstring


class FormFields(HTMLParser):
    """The choice inputs, the selects with their option values, and every element id."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.selects: dict[str, dict] = {}
        self.ids: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self.inputs.append(attrs)
        elif tag == "select":
            self._select = attrs["name"]
            self.selects[self._select] = {"id": attrs.get("id"), "options": []}
        elif tag == "option" and self._select and attrs.get("value"):
            self.selects[self._select]["options"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_fields(client, attempt) -> FormFields:
    response = client.get(reverse("quiz:attempt", args=[attempt.pk]))
    assert response.status_code == 200
    fields = FormFields()
    fields.feed(response.content.decode())
    return fields


def single_choice_of_four():
    """The right answer is the bank's first choice, as GIFT authors usually write it."""
    question = QuestionFactory(qtype=QuestionType.SINGLE)
    return add_answers(question, ("Bauxite", 1), ("Copper", 0), ("Nickel", 0), ("Tin", 0))


def matching_of_four():
    """Prompt i's answer is option i in the bank (how matching questions are written)."""
    question = QuestionFactory(qtype=QuestionType.MATCHING)
    pairs = [("Mining", "Ore"), ("Refining", "Alumina"), ("Smelting", "Metal"), ("Cast", "Ingot")]
    return add_answers(
        question, *[(prompt, 0, "", {"match_text": match}) for prompt, match in pairs]
    )


def test_the_right_answer_has_no_telltale_value_position_or_order_across_many_attempts(
    member, member_client
):
    quiz = quiz_with(
        single_choice_of_four(), matching_of_four(), shuffle_answers=True, questions_per_page=0
    )
    right_position, right_rank = Counter(), Counter()
    prompt_right_at_own_place = Counter()
    right_tokens: list[str] = []
    all_tokens: list[str] = []
    for _draw in range(DRAWS):
        attempt = services.attempt_start(user=member, quiz=quiz)
        choice, matching = attempt.responses.order_by("position")
        fields = page_fields(member_client, attempt)

        # Single choice: values, ids and names are this response's tokens and nothing else.
        values = [i["value"] for i in fields.inputs]
        assert sorted(values) == sorted(choice.choice_tokens)
        assert all(i["name"] == "q0-choice" for i in fields.inputs)
        assert all(i["id"] == f"q0-c-{i['value']}" for i in fields.inputs)
        right = token_for(choice, 0)
        right_position[values.index(right)] += 1
        right_rank[sorted(values).index(right)] += 1
        right_tokens.append(right)
        all_tokens += values

        # Matching: each select is named by a prompt token, its options by option tokens.
        assert list(fields.selects) == [f"q1-match-{t}" for t in matching.prompt_tokens]
        for place, (prompt_token, prompt) in enumerate(
            zip(matching.prompt_tokens, matching.snapshot["prompts"], strict=True)
        ):
            select = fields.selects[f"q1-match-{prompt_token}"]
            assert select["id"] == f"q1-m-{prompt_token}"
            options = select["options"]
            assert sorted(options) == sorted(matching.choice_tokens)
            right_option = token_for(matching, prompt["match"])
            prompt_right_at_own_place[place] += options.index(right_option) == place
            right_tokens.append(right_option)
        all_tokens += matching.choice_tokens + matching.prompt_tokens

        # No bank index anywhere a browser could read one.
        for value in [*values, *(o for s in fields.selects.values() for o in s["options"])]:
            assert not value.isdigit()
        services.attempt_submit(attempt=attempt)

    assert len(set(all_tokens)) == len(all_tokens)  # no token ever comes back
    assert len(set(right_tokens)) == len(right_tokens)  # so no value is "usually right"
    assert set(right_position) == set(range(CHOICES))
    assert all(LOW <= right_position[p] <= HIGH for p in range(CHOICES)), right_position
    assert all(LOW <= right_rank[r] <= HIGH for r in range(CHOICES)), right_rank
    assert all(prompt_right_at_own_place[p] <= HIGH for p in range(4)), prompt_right_at_own_place


def test_exams_and_matching_questions_shuffle_even_when_the_quiz_setting_is_off(member):
    """20 draws each: a fixed order would put the right answer first 20 times out of 20;
    a shuffled one does so with probability (1/4)**20 < 1e-12."""
    exam = quiz_with(single_choice_of_four(), is_exam=True, shuffle_answers=False)
    QuestionCategory.objects.update(is_exam_pool=True)
    practice = quiz_with(matching_of_four(), shuffle_answers=False)
    exam_first, matching_diagonal = 0, 0
    for _draw in range(20):
        attempt = services.attempt_start(user=member, quiz=exam)
        exam_first += attempt.responses.get().choice_order[0] == 0
        services.attempt_submit(attempt=attempt)
        attempt = services.attempt_start(user=member, quiz=practice)
        matching_diagonal += attempt.responses.get().choice_order[0] == 0
        services.attempt_submit(attempt=attempt)
    assert exam_first < 20 and matching_diagonal < 20


def save(client, attempt, data):
    return client.post(reverse("quiz:save", args=[attempt.pk]), data)


def test_answers_given_by_token_are_stored_and_graded_in_the_banks_terms(member, member_client):
    multiple = QuestionFactory(qtype=QuestionType.MULTIPLE)
    add_answers(multiple, ("PS", "0.5"), ("CoC", "0.5"), ("Tin", "-1"))
    quiz = quiz_with(
        single_choice_of_four(),
        matching_of_four(),
        multiple,
        shuffle_answers=True,
        review_level=ReviewLevel.FULL,
    )
    attempt = services.attempt_start(user=member, quiz=quiz)
    matching = attempt.responses.get(position=1)
    assert save(
        member_client,
        attempt,
        {"position": 0, "q0-version": 0, "q0-choice": choice_token(attempt, 0, 0)},
    ).json()["ok"]
    pairs = {
        f"q1-match-{prompt_token}": token_for(matching, prompt["match"])
        for prompt_token, prompt in zip(
            matching.prompt_tokens, matching.snapshot["prompts"], strict=True
        )
    }
    assert save(member_client, attempt, {"position": 1, "q1-version": 0, **pairs}).json()["ok"]
    both = [choice_token(attempt, 2, 0), choice_token(attempt, 2, 1)]
    assert save(
        member_client, attempt, {"position": 2, "q2-version": 0, "q2-choices": both}
    ).json()["ok"]
    answers = [r.answer for r in attempt.responses.order_by("position")]
    assert answers == [
        {"choice": 0},
        {"matches": {"0": 0, "1": 1, "2": 2, "3": 3}},
        {"choices": [0, 1]},
    ]
    result = services.attempt_submit(attempt=attempt)
    assert result.percent == 100
    page = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert "Mining → Ore" in page and "Bauxite" in page  # the review still reads the bank


def _match_field(attempt, value):
    prompt = attempt.responses.get(position=1).prompt_tokens[0]
    return {"position": 1, "q1-version": 0, f"q1-match-{prompt}": value}


@pytest.mark.parametrize(
    "posted",
    [
        lambda attempt: {"position": 0, "q0-version": 0, "q0-choice": "0"},  # a bank index
        lambda attempt: {"position": 0, "q0-version": 0, "q0-choice": "not-a-token"},
        lambda attempt: _match_field(attempt, "0"),  # a bank index as the matching option
        lambda attempt: _match_field(attempt, choice_token(attempt, 0, 0)),  # another question's
        lambda attempt: {"position": 2, "q2-version": 0, "q2-choices": ["1", "2"]},
    ],
    ids=["choice-index", "unknown", "option-index", "other-question", "multiple-indexes"],
)
def test_a_save_naming_anything_but_this_responses_tokens_is_refused_with_400(
    member, member_client, posted
):
    multiple = QuestionFactory(qtype=QuestionType.MULTIPLE)
    add_answers(multiple, ("PS", "0.5"), ("CoC", "0.5"), ("Tin", "-1"))
    quiz = quiz_with(single_choice_of_four(), matching_of_four(), multiple)
    attempt = services.attempt_start(user=member, quiz=quiz)
    response = save(member_client, attempt, posted(attempt))
    assert response.status_code == 400
    assert "reload" in response.json()["error"]
    assert all(r.answer is None for r in attempt.responses.all())


def test_a_token_of_another_attempt_is_refused_on_the_page_form_too(member, member_client, user):
    quiz = quiz_with(single_choice_of_four())
    other = services.attempt_start(user=user, quiz=quiz)
    attempt = services.attempt_start(user=member, quiz=quiz)
    response = member_client.post(
        reverse("quiz:attempt", args=[attempt.pk]),
        {"page": 0, "q0-version": 0, "q0-choice": choice_token(other, 0, 0), "action": "next"},
        follow=True,
    )
    assert response.status_code == 200
    assert "does not belong to the question" in response.content.decode()
    assert attempt.responses.get().answer is None


def test_attempts_from_before_the_tokens_get_them_by_migration_and_still_render_and_grade(
    member, member_client, user
):
    """Responses created before migration 0004 have no tokens and bank-index answers."""
    quiz = quiz_with(single_choice_of_four(), matching_of_four(), review_level=ReviewLevel.FULL)
    finished = services.attempt_start(user=user, quiz=quiz)
    services.attempt_save_answer(attempt=finished, position=0, answer={"choice": 0}, version=0)
    services.attempt_submit(attempt=finished)
    running = services.attempt_start(user=member, quiz=quiz)
    services.attempt_save_answer(attempt=running, position=0, answer={"choice": 2}, version=0)
    running.responses.update(choice_tokens=[], prompt_tokens=[])
    finished.responses.update(choice_tokens=[], prompt_tokens=[])

    migration = importlib.import_module("courses.quiz.migrations.0004_opaque_answer_tokens")
    migration.assign_tokens(django_apps, None)

    for response in [*running.responses.all(), *finished.responses.all()]:
        assert len(response.choice_tokens) == len(response.choice_order) == 4
        assert len(response.prompt_tokens) == len(response.snapshot.get("prompts", []))
    fields = page_fields(member_client, running)
    checked = [i["value"] for i in fields.inputs if "checked" in i]
    assert checked == [choice_token(running, 0, 2)]  # the saved answer shows as chosen
    assert save(
        member_client,
        running,
        {"position": 0, "q0-version": 1, "q0-choice": choice_token(running, 0, 0)},
    ).json()["ok"]
    assert services.attempt_submit(attempt=running).percent == 50
    assert finished.responses.get(position=0).answer == {"choice": 0}
    finished_client = Client()
    finished_client.force_login(user)
    page = finished_client.get(reverse("quiz:result", args=[finished.pk]))
    assert page.status_code == 200 and "Bauxite" in page.content.decode()
    finished.refresh_from_db()
    assert finished.status == AttemptStatus.FINISHED and finished.percent == 50
