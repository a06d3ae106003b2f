"""Exam integrity at the service level: concurrent starts and submits, sittings. The page-level
checks (no leak of correct answers, another user's attempt is a 404) are in test_views."""

import threading
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.utils import IntegrityError

from courses.quiz import selectors, services
from courses.quiz.exceptions import (
    AttemptClosed,
    AttemptLimitReached,
    NoSittingAvailable,
    SittingAlreadyUsed,
)
from courses.quiz.models import (
    Attempt,
    AttemptStatus,
    ExamSitting,
    Response,
    SittingStatus,
)
from tests.quiz.factories import exam_of_one_question, quiz_with, single_choice
from tests.races import needs_postgres, run_concurrently


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_attempt_produce_exactly_one_graded_result(user):
    quiz = quiz_with(single_choice(), single_choice())
    attempt = services.attempt_start(user=user, quiz=quiz)
    services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 0}, version=0)
    results = run_concurrently(4, lambda: services.attempt_submit(attempt=attempt))
    assert all(isinstance(r, Attempt) for r in results), results
    assert {r.percent for r in results} == {Decimal("50.00")}
    log = selectors.log_entries(attempt=attempt)
    assert log.filter(action="quiz.attempt.submitted").count() == 1
    assert log.filter(action="quiz.attempt.finished").count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(4))
def test_every_answer_saved_while_a_submit_races_is_graded_or_refused(user, round_):
    """Seven saves and a submit released at once: a save that returned (acknowledged) is in
    the grading; one that lost to the submit is refused with AttemptClosed and stored
    nothing. No third outcome (acknowledged but not graded)."""
    questions = 7
    quiz = quiz_with(*[single_choice() for _ in range(questions)])
    attempt = services.attempt_start(user=user, quiz=quiz)
    tasks = iter([*range(questions), "submit"])
    lock = threading.Lock()
    outcomes: dict = {}

    def act():
        with lock:
            task = next(tasks)
        try:
            if task == "submit":
                outcome = services.attempt_submit(attempt=attempt)
            else:
                outcome = services.attempt_save_answer(
                    attempt=attempt, position=task, answer={"choice": 0}, version=0
                )
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome = exc
        outcomes[task] = outcome

    run_concurrently(questions + 1, act)
    assert isinstance(outcomes["submit"], Attempt), outcomes["submit"]
    acknowledged = {p for p in range(questions) if isinstance(outcomes[p], Response)}
    refused = {p for p in range(questions) if isinstance(outcomes[p], AttemptClosed)}
    assert acknowledged | refused == set(range(questions)), outcomes
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED
    graded = {r.position: r for r in Response.objects.filter(attempt=attempt)}
    for position in range(questions):
        response = graded[position]
        if position in acknowledged:
            assert response.answer == {"choice": 0} and response.fraction == 1, position
        else:
            assert response.answer is None and response.fraction == 0, position
    assert attempt.marks == len(acknowledged)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_never_exceed_the_attempt_limit(user):
    quiz = quiz_with(single_choice(), max_attempts=1)
    results = run_concurrently(5, lambda: services.attempt_start(user=user, quiz=quiz))
    assert Attempt.objects.filter(user=user, quiz=quiz).count() == 1
    assert {r.pk for r in results if isinstance(r, Attempt)} == {
        Attempt.objects.get(user=user, quiz=quiz).pk
    }


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_of_a_paid_exam_consume_exactly_one_sitting(user):
    exam = exam_of_one_question(sitting_fee_required=True)
    services.sitting_grant(user=user, quiz=exam, source="order-1/line-1")
    services.sitting_grant(user=user, quiz=exam, source="order-1/line-2")
    run_concurrently(4, lambda: services.attempt_start(user=user, quiz=exam))
    assert Attempt.objects.filter(user=user, quiz=exam).count() == 1
    assert ExamSitting.objects.filter(status=SittingStatus.USED).count() == 1
    assert ExamSitting.objects.filter(status=SittingStatus.AVAILABLE).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_in_progress_attempt_and_a_duplicate_number(user):
    quiz = quiz_with(single_choice())
    attempt = services.attempt_start(user=user, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            quiz=quiz, user=user, number=2, started_at=attempt.started_at, pass_mark=50
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            quiz=quiz,
            user=user,
            number=1,
            started_at=attempt.started_at,
            pass_mark=50,
            status=AttemptStatus.FINISHED,
        )


@pytest.mark.django_db
def test_a_start_losing_the_race_at_the_constraint_is_refused_cleanly(user, monkeypatch):
    """Simulates the race without threads: another request inserted attempt #1 between
    this request's count and its insert."""
    quiz = quiz_with(single_choice(), max_attempts=2)
    real_create = Attempt.objects.create

    def create_after_a_competitor(**kwargs):
        monkeypatch.setattr(Attempt.objects, "create", real_create)
        real_create(**{**kwargs, "status": AttemptStatus.FINISHED})
        return real_create(**kwargs)

    monkeypatch.setattr(Attempt.objects, "create", create_after_a_competitor)
    with pytest.raises(AttemptLimitReached, match="same time"):
        services.attempt_start(user=user, quiz=quiz)
    # the losing request leaves nothing behind (in this single-connection simulation the
    # competitor's row shares the rolled-back transaction)
    assert not Response.objects.exists()
    assert not selectors.log_entries(action="quiz.attempt.started").exists()


@pytest.mark.django_db
def test_a_second_submit_changes_nothing(user):
    quiz = quiz_with(single_choice())
    attempt = services.attempt_start(user=user, quiz=quiz)
    first = services.attempt_submit(attempt=attempt)
    second = services.attempt_submit(attempt=attempt)
    assert first.finalised_at == second.finalised_at
    assert selectors.log_entries(attempt=attempt, action="quiz.attempt.submitted").count() == 1


@pytest.mark.django_db
def test_a_paid_exam_needs_an_available_sitting_and_uses_exactly_one(user, staff_user):
    exam = exam_of_one_question(sitting_fee_required=True, max_attempts=3)
    with pytest.raises(NoSittingAvailable):
        services.attempt_start(user=user, quiz=exam)
    first = services.sitting_grant(user=user, quiz=exam, source="order-7/line-1")
    second = services.sitting_grant(user=user, quiz=exam, source="manual", assigned_by=staff_user)
    attempt = services.attempt_start(user=user, quiz=exam)
    first.refresh_from_db()
    assert first.status == SittingStatus.USED and first.used_by_attempt == attempt
    assert selectors.sitting_is_used(sitting=first)
    assert not selectors.sitting_is_used(sitting=second)
    # resuming the running attempt uses nothing more
    assert services.attempt_start(user=user, quiz=exam) == attempt
    second.refresh_from_db()
    assert second.status == SittingStatus.AVAILABLE
    with pytest.raises(SittingAlreadyUsed):
        services.sitting_revoke(sitting=first, reason="refund")
    services.sitting_revoke(sitting=second, reason="refund requested", actor=staff_user)
    assert second.status == SittingStatus.REVOKED
    services.attempt_submit(attempt=attempt)
    with pytest.raises(NoSittingAvailable):
        services.attempt_start(user=user, quiz=exam)
    revoked = selectors.log_entries(quiz=exam, action="quiz.sitting.revoked").get()
    assert revoked.data["reason"] == "refund requested" and revoked.user == staff_user
    assert revoked.data["sitting"] == second.pk and revoked.data["learner"] == user.pk
