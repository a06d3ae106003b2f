"""The contracts other apps rely on: best_result, passed_on, results_for_user."""

import datetime
from decimal import Decimal

import pytest

from courses.quiz import selectors, services
from tests.quiz.factories import quiz_with, single_choice

pytestmark = pytest.mark.django_db
DAY = datetime.datetime(2025, 1, 10, 12, 0, tzinfo=datetime.UTC)


def take(user, quiz, right: int, when: datetime.datetime):
    attempt = services.attempt_start(user=user, quiz=quiz, now=when)
    for position in range(right):
        services.attempt_save_answer(
            attempt=attempt, position=position, answer={"choice": 0}, version=0, now=when
        )
    return services.attempt_submit(attempt=attempt, now=when)


def test_passed_on_answers_for_past_dates_and_thresholds(user):
    quiz = quiz_with(*[single_choice() for _ in range(4)], pass_mark=Decimal("50"))
    take(user, quiz, 2, DAY)  # 50 %
    take(user, quiz, 4, DAY + datetime.timedelta(days=100))  # 100 %
    take(user, quiz, 1, DAY + datetime.timedelta(days=200))  # 25 %, failed
    assert selectors.passed_on(user=user, quiz=quiz) == (DAY + datetime.timedelta(days=100)).date()
    assert selectors.passed_on(user=user, quiz=quiz, on=DAY.date()) == DAY.date()
    assert selectors.passed_on(user=user, quiz=quiz, on=DAY.date() - datetime.timedelta(1)) is None
    assert (
        selectors.passed_on(
            user=user, quiz=quiz, min_percent=Decimal("80"), on=DAY.date() + datetime.timedelta(99)
        )
        is None
    )
    # a lower min_percent never undercuts the quiz's own pass mark
    assert (
        selectors.passed_on(user=user, quiz=quiz, min_percent=Decimal("10"), on=DAY.date())
        == DAY.date()
    )


def test_best_result_and_results_for_user(user):
    quiz = quiz_with(*[single_choice() for _ in range(4)], pass_mark=Decimal("75"))
    assert selectors.best_result(user=user, quiz=quiz) is None
    take(user, quiz, 2, DAY)
    take(user, quiz, 3, DAY + datetime.timedelta(days=1))
    best = selectors.best_result(user=user, quiz=quiz)
    assert best.percent == 75 and best.passed and best.number == 2
    results = selectors.results_for_user(user=user)
    assert [(r.quiz, r.percent, r.passed) for r in results] == [
        (quiz, Decimal("75.00"), True),
        (quiz, Decimal("50.00"), False),
    ]
