"""Question types, partial credit, feedback; grading happens on the server."""

from decimal import Decimal

import pytest

from courses.quiz import grading
from courses.quiz.exceptions import InvalidAnswer
from courses.quiz.models import QuestionType
from tests.quiz.factories import QuestionFactory, add_answers

pytestmark = pytest.mark.django_db


def snap(qtype, *answers, **kwargs):
    question = QuestionFactory(qtype=qtype, **kwargs)
    add_answers(question, *answers)
    return grading.snapshot_question(question)


def test_single_choice_earns_the_fraction_of_the_chosen_answer():
    s = snap(QuestionType.SINGLE, ("a", 1), ("b", "0.5"), ("c", 0))
    assert grading.grade(s, {"choice": 0}) == 1
    assert grading.grade(s, {"choice": 1}) == Decimal("0.5")
    assert grading.grade(s, None) == 0


def test_multiple_choice_sums_weights_and_clamps_to_zero_and_one():
    s = snap(QuestionType.MULTIPLE, ("a", "0.5"), ("b", "0.5"), ("c", "-1"), ("d", "-0.3333333"))
    assert grading.grade(s, {"choices": [0, 1]}) == 1
    assert grading.grade(s, {"choices": [0]}) == Decimal("0.5")
    assert grading.grade(s, {"choices": [0, 3]}) == Decimal("0.1666667")
    assert grading.grade(s, {"choices": [0, 1, 2]}) == 0  # 0.5+0.5-1 = 0
    assert grading.grade(s, {"choices": [2]}) == 0  # clamped, never negative


def test_true_false_grades_the_right_answer():
    s = snap(QuestionType.TRUE_FALSE, ("True", 0, "no"), ("False", 1, "yes"))
    assert grading.grade(s, {"choice": 1}) == 1
    assert grading.grade(s, {"choice": 0}) == 0
    assert grading.answer_feedback(s, {"choice": 0}) == ["no"]


def test_short_answer_accepts_any_listed_answer_case_insensitively_with_wildcards():
    s = snap(QuestionType.SHORT_ANSWER, ("bauxite", 1), ("alu*", "0.5"))
    assert grading.grade(s, {"text": "  Bauxite "}) == 1
    assert grading.grade(s, {"text": "Aluminium"}) == Decimal("0.5")
    assert grading.grade(s, {"text": "copper"}) == 0


def test_short_answer_can_be_case_sensitive():
    s = snap(QuestionType.SHORT_ANSWER, ("ASI", 1), case_sensitive=True)
    assert grading.grade(s, {"text": "ASI"}) == 1
    assert grading.grade(s, {"text": "asi"}) == 0


def test_numerical_accepts_values_within_the_tolerance():
    s = snap(
        QuestionType.NUMERICAL,
        ("3.14", 1, "", {"tolerance": Decimal("0.01")}),
        ("3", "0.5", "", {"tolerance": Decimal("0.5")}),
    )
    assert grading.grade(s, {"text": "3.145"}) == 1
    assert grading.grade(s, {"text": "3,14"}) == 1
    assert grading.grade(s, {"text": "2.6"}) == Decimal("0.5")
    assert grading.grade(s, {"text": "4"}) == 0
    assert grading.grade(s, {"text": "pi"}) == 0


def test_matching_gives_credit_per_right_pair():
    question = QuestionFactory(qtype=QuestionType.MATCHING)
    add_answers(
        question,
        ("Bauxite", 0, "", {"match_text": "Mining"}),
        ("Alumina", 0, "", {"match_text": "Refining"}),
        ("", 0, "", {"match_text": "Distractor"}),
    )
    s = grading.snapshot_question(question)
    assert s["options"] == ["Mining", "Refining", "Distractor"]
    assert grading.grade(s, {"matches": {"0": 0, "1": 1}}) == 1
    assert grading.grade(s, {"matches": {"0": 0, "1": 2}}) == Decimal("0.5")


def test_essay_waits_for_a_person_unless_left_blank():
    s = snap(QuestionType.ESSAY)
    assert grading.grade(s, {"text": "An answer"}) is None
    assert grading.grade(s, {"text": "   "}) == 0


def test_an_answer_naming_a_choice_that_does_not_exist_is_refused():
    s = snap(QuestionType.SINGLE, ("a", 1), ("b", 0))
    with pytest.raises(InvalidAnswer):
        grading.normalise_answer(s, {"choice": "7"})
