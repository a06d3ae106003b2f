"""Points 7 and 8: quiz settings, the attempt lifecycle, server-side time, marking."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from courses.quiz import selectors, services
from courses.quiz.exceptions import (
    AlreadyMarked,
    AttemptDelayNotElapsed,
    AttemptLimitReached,
    DeadlinePassed,
    QuizMisconfigured,
    QuizNotAvailable,
    StaleAnswer,
)
from courses.quiz.models import (
    Answer,
    AttemptStatus,
    QuizOverride,
    QuizSlot,
)
from tests.quiz.factories import (
    QuestionCategoryFactory,
    essay,
    quiz_with,
    single_choice,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def test_an_attempt_freezes_its_questions_so_bank_edits_change_nothing(user):
    question = single_choice()
    quiz = quiz_with(question)
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)
    Answer.objects.filter(question=question, text="Bauxite").update(fraction=0, text="Edited")
    question.text = "Edited text"
    question.save()
    response = attempt.responses.get()
    assert response.snapshot["text"] != "Edited text"
    services.attempt_save_answer(
        attempt=attempt, position=0, answer={"choice": 0}, version=0, now=NOW
    )
    result = services.attempt_submit(attempt=attempt, now=NOW)
    assert result.percent == 100 and result.passed is True


def test_random_draws_take_n_distinct_questions_from_the_category(user):
    category = QuestionCategoryFactory()
    pool = [single_choice(category=category) for _ in range(5)]
    fixed = single_choice()
    quiz = quiz_with(fixed)
    QuizSlot.objects.create(quiz=quiz, category=category, draw_count=3, sort_order=1)
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW, seed=7)
    drawn = [r.question_id for r in attempt.responses.order_by("position")]
    assert drawn[0] == fixed.pk
    assert len(set(drawn[1:])) == 3 and set(drawn[1:]) <= {q.pk for q in pool}
    assert attempt.max_marks == 4


def test_a_draw_larger_than_its_category_refuses_to_start(user):
    category = QuestionCategoryFactory()
    single_choice(category=category)
    quiz = quiz_with()
    QuizSlot.objects.create(quiz=quiz, category=category, draw_count=2)
    with pytest.raises(QuizMisconfigured):
        services.attempt_start(user=user, quiz=quiz, now=NOW)


def test_shuffled_choices_are_frozen_in_the_attempt(user):
    quiz = quiz_with(
        *[single_choice() for _ in range(4)], shuffle_answers=True, shuffle_questions=True
    )
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW, seed=3)
    orders = [r.choice_order for r in attempt.responses.all()]
    assert all(sorted(o) == [0, 1, 2] for o in orders)
    assert any(o != [0, 1, 2] for o in orders)
    again = services.attempt_start(user=user, quiz=quiz, now=NOW + datetime.timedelta(minutes=1))
    assert [r.choice_order for r in again.responses.all()] == orders


def test_deadline_is_start_plus_limit_times_the_users_factor_capped_by_close_date(user):
    quiz = quiz_with(single_choice(), time_limit_minutes=30)
    QuizOverride.objects.create(quiz=quiz, user=user, time_factor=Decimal("1.5"))
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)
    assert attempt.deadline == NOW + datetime.timedelta(minutes=45)
    closing = quiz_with(
        single_choice(), time_limit_minutes=30, close_at=NOW + datetime.timedelta(minutes=10)
    )
    assert services.attempt_start(user=user, quiz=closing, now=NOW).deadline == closing.close_at


def test_leaving_and_coming_back_resumes_the_same_attempt_and_clock(user):
    quiz = quiz_with(single_choice(), time_limit_minutes=30)
    first = services.attempt_start(user=user, quiz=quiz, now=NOW)
    later = services.attempt_start(user=user, quiz=quiz, now=NOW + datetime.timedelta(minutes=20))
    assert later.pk == first.pk and later.deadline == first.deadline


def test_attempt_limit_counts_extra_attempts_from_an_override(user):
    quiz = quiz_with(single_choice(), max_attempts=1)
    services.attempt_submit(attempt=services.attempt_start(user=user, quiz=quiz, now=NOW), now=NOW)
    with pytest.raises(AttemptLimitReached):
        services.attempt_start(user=user, quiz=quiz, now=NOW)
    QuizOverride.objects.create(quiz=quiz, user=user, extra_attempts=1)
    assert services.attempt_start(user=user, quiz=quiz, now=NOW).number == 2


def test_minimum_delay_between_attempts_is_enforced(user):
    quiz = quiz_with(single_choice(), attempt_delay_minutes=60)
    services.attempt_submit(attempt=services.attempt_start(user=user, quiz=quiz, now=NOW), now=NOW)
    with pytest.raises(AttemptDelayNotElapsed) as error:
        services.attempt_start(user=user, quiz=quiz, now=NOW + datetime.timedelta(minutes=59))
    assert error.value.available_at == NOW + datetime.timedelta(minutes=60)
    assert services.attempt_start(user=user, quiz=quiz, now=NOW + datetime.timedelta(minutes=60))


def test_quiz_cannot_be_started_before_it_opens_or_after_it_closes(user):
    quiz = quiz_with(
        single_choice(),
        open_at=NOW + datetime.timedelta(days=1),
        close_at=NOW + datetime.timedelta(days=2),
    )
    with pytest.raises(QuizNotAvailable):
        services.attempt_start(user=user, quiz=quiz, now=NOW)
    with pytest.raises(QuizNotAvailable):
        services.attempt_start(user=user, quiz=quiz, now=NOW + datetime.timedelta(days=3))
    assert selectors.quiz_is_available_to(
        user=user, quiz=quiz, now=NOW + datetime.timedelta(days=1)
    )


def test_an_answer_after_the_deadline_is_not_stored_and_submits_the_attempt(user):
    quiz = quiz_with(single_choice(), time_limit_minutes=10)
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)
    with pytest.raises(DeadlinePassed):
        services.attempt_save_answer(
            attempt=attempt,
            position=0,
            answer={"choice": 0},
            version=0,
            now=NOW + datetime.timedelta(minutes=10, seconds=1),
        )
    attempt.refresh_from_db()
    assert attempt.responses.get().answer is None
    assert attempt.status == AttemptStatus.FINISHED and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline and attempt.percent == 0


def test_an_out_of_date_answer_form_is_refused_without_overwriting(user):
    quiz = quiz_with(single_choice())
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)
    services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 0}, version=0)
    with pytest.raises(StaleAnswer) as error:  # an old tab still holds version 0
        services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 1}, version=0)
    assert error.value.current_version == 1
    response = attempt.responses.get()
    assert response.answer == {"choice": 0} and response.version == 1


def test_close_overdue_attempts_submits_expired_ones_once(user, member):
    quiz = quiz_with(single_choice(), time_limit_minutes=5)
    expired = services.attempt_start(user=user, quiz=quiz, now=NOW - datetime.timedelta(hours=1))
    running = services.attempt_start(user=member, quiz=quiz, now=timezone.now())
    out = StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "Submitted 1 overdue attempts"
    expired.refresh_from_db()
    running.refresh_from_db()
    assert expired.status == AttemptStatus.FINISHED and expired.auto_submitted
    assert running.status == AttemptStatus.IN_PROGRESS
    finalised = expired.finalised_at
    out = StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "Submitted 0 overdue attempts"
    expired.refresh_from_db()
    assert expired.finalised_at == finalised
    assert selectors.log_entries(action="quiz.attempt.auto_submitted").count() == 1


def test_essays_wait_in_the_marking_queue_and_the_last_mark_makes_the_result_final(
    user, staff_user
):
    quiz = quiz_with(single_choice(), essay(), essay(), pass_mark=Decimal("50"))
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)
    services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 0}, version=0)
    services.attempt_save_answer(attempt=attempt, position=1, answer={"text": "Essay 1"}, version=0)
    services.attempt_save_answer(attempt=attempt, position=2, answer={"text": "Essay 2"}, version=0)
    attempt = services.attempt_submit(attempt=attempt, now=NOW)
    assert attempt.status == AttemptStatus.NEEDS_MARKING and attempt.percent is None
    assert selectors.best_result(user=user, quiz=quiz) is None
    queue = list(selectors.marking_queue())
    assert [r.position for r in queue] == [1, 2]
    services.essay_mark(
        response=queue[0], marker=staff_user, fraction=Decimal("0.5"), feedback="Fair"
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_MARKING
    marked_at = NOW + datetime.timedelta(days=2)
    services.essay_mark(response=queue[1], marker=staff_user, score=Decimal("0"), now=marked_at)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED
    assert attempt.percent == 50 and attempt.passed is True
    assert attempt.finalised_at == marked_at
    entries = selectors.log_entries(attempt=attempt, action="quiz.essay.marked")
    assert entries.count() == 2 and {e.user for e in entries} == {staff_user}
    with pytest.raises(AlreadyMarked):
        services.essay_mark(response=queue[0], marker=staff_user, fraction=Decimal("1"))


def test_exam_pools_are_separate_from_practice_pools():
    exam_category = QuestionCategoryFactory(is_exam_pool=True)
    practice = quiz_with()
    slot = QuizSlot(quiz=practice, category=exam_category, draw_count=1)
    with pytest.raises(ValidationError, match="exam pool"):
        slot.full_clean()
    exam = quiz_with(is_exam=True)
    slot = QuizSlot(quiz=exam, question=single_choice(), sort_order=0)
    with pytest.raises(ValidationError, match="practice pool"):
        slot.full_clean()


def test_a_quiz_whose_slots_break_the_pool_rule_cannot_be_started(user):
    exam = quiz_with(single_choice(), is_exam=True)  # saved without validation
    with pytest.raises(QuizMisconfigured):
        services.attempt_start(user=user, quiz=exam, now=NOW)
