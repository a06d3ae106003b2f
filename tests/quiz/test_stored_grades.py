"""Every answer is stored with its grade (the fraction earned, the mark, whether a person
must mark it), in the same write; a submit adds up the stored grades instead of reading and
grading every answer again. A response never graded that way (written before, or whose
answer was erased while the attempt ran) is graded at the submit. Nothing of a grade reaches
the learner before the result is released."""

import random
from decimal import Decimal

import pytest

from courses.quiz import grading, services
from courses.quiz.models import AttemptStatus, Response
from courses.quiz.privacy_rights import erase
from tests.quiz.factories import essay, quiz_with, single_choice

NEVER_GRADED = {"fraction": None, "mark": None, "needs_marking": False}


def rows(attempt) -> dict[int, Response]:
    return {r.position: r for r in Response.objects.filter(attempt=attempt)}


@pytest.mark.django_db
def test_an_attempt_starts_with_the_grade_of_blank_answers(user):
    attempt = services.attempt_start(user=user, quiz=quiz_with(single_choice(), essay()))
    choice, text = rows(attempt).values()
    assert (choice.fraction, choice.mark, choice.needs_marking) == (0, 0, False)
    assert (text.fraction, text.mark, text.needs_marking) == (0, 0, False)  # nothing to mark


@pytest.mark.django_db
def test_each_save_stores_the_grade_of_the_answer_it_stores(user):
    attempt = services.attempt_start(user=user, quiz=quiz_with(single_choice(), essay()))
    max_mark = rows(attempt)[0].max_mark

    saved = services.attempt_save_answer(
        attempt=attempt, position=0, answer={"choice": 0}, version=0
    )
    assert (saved.fraction, saved.mark, saved.needs_marking) == (1, max_mark, False)
    stored = rows(attempt)[0]
    assert (stored.fraction, stored.mark, stored.needs_marking) == (1, max_mark, False)

    services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 1}, version=1)
    assert (rows(attempt)[0].fraction, rows(attempt)[0].mark) == (0, 0)

    services.attempt_save_answer(attempt=attempt, position=1, answer={"text": "Mine"}, version=0)
    text = rows(attempt)[1]
    assert (text.fraction, text.mark, text.needs_marking) == (None, None, True)
    services.attempt_save_answer(attempt=attempt, position=1, answer={"text": ""}, version=1)
    text = rows(attempt)[1]
    assert (text.fraction, text.mark, text.needs_marking) == (0, 0, False)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(3))
def test_a_submit_gives_the_result_of_grading_every_stored_answer_again(user, seed):
    rng = random.Random(seed)
    questions = [single_choice() for _ in range(6)]
    attempt = services.attempt_start(user=user, quiz=quiz_with(*questions, pass_mark=50))
    versions = dict.fromkeys(range(len(questions)), 0)
    for _ in range(15):  # answers changed in any order, some more than once, some never
        position = rng.randrange(len(questions))
        services.attempt_save_answer(
            attempt=attempt,
            position=position,
            answer={"choice": rng.randrange(3)},
            version=versions[position],
        )
        versions[position] += 1

    submitted = services.attempt_submit(attempt=attempt)

    stored = rows(attempt).values()
    for response in stored:
        again = grading.grade(response.snapshot, response.answer)
        assert response.fraction == again
        assert response.mark == (again * response.max_mark).quantize(Decimal("0.01"))
    total = sum(r.mark for r in stored)
    maximum = sum(r.max_mark for r in stored)
    assert submitted.status == AttemptStatus.FINISHED
    assert submitted.marks == total
    assert submitted.percent == (total / maximum * 100).quantize(Decimal("0.01"))
    assert submitted.passed == (submitted.percent >= 50)


@pytest.mark.django_db
def test_a_waiting_essay_sends_the_attempt_to_marking(user):
    attempt = services.attempt_start(user=user, quiz=quiz_with(single_choice(), essay()))
    services.attempt_save_answer(attempt=attempt, position=1, answer={"text": "Mine"}, version=0)
    submitted = services.attempt_submit(attempt=attempt)
    assert submitted.status == AttemptStatus.NEEDS_MARKING
    assert submitted.marks is None and submitted.finalised_at is None


@pytest.mark.django_db
def test_responses_never_graded_are_graded_at_the_submit(user):
    attempt = services.attempt_start(user=user, quiz=quiz_with(single_choice(), single_choice()))
    services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 0}, version=0)
    # As rows written before answers carried their grade: one of them is enough.
    Response.objects.filter(attempt=attempt, position=0).update(**NEVER_GRADED)

    submitted = services.attempt_submit(attempt=attempt)

    first, second = rows(attempt).values()
    assert (first.fraction, first.mark) == (1, first.max_mark)
    assert (second.fraction, second.mark) == (0, 0)
    assert submitted.marks == first.max_mark
    assert submitted.percent == Decimal("50.00")


@pytest.mark.django_db
def test_an_answer_erased_while_the_attempt_runs_is_graded_as_erased(user):
    attempt = services.attempt_start(user=user, quiz=quiz_with(single_choice(), essay()))
    services.attempt_save_answer(attempt=attempt, position=1, answer={"text": "Mine"}, version=0)
    assert rows(attempt)[1].needs_marking

    erase(user, "pseudonym")
    text = rows(attempt)[1]
    assert (text.fraction, text.mark, text.needs_marking) == (None, None, False)

    submitted = services.attempt_submit(attempt=attempt)
    assert submitted.status == AttemptStatus.FINISHED  # nothing left for a person to mark
    assert rows(attempt)[1].fraction == 0


@pytest.mark.django_db
def test_erasure_keeps_the_grades_of_submitted_attempts(user):
    attempt = services.attempt_start(user=user, quiz=quiz_with(essay()))
    services.attempt_save_answer(attempt=attempt, position=0, answer={"text": "Mine"}, version=0)
    services.attempt_submit(attempt=attempt)
    erase(user, "pseudonym")
    assert rows(attempt)[0].needs_marking  # still waiting for its marker


@pytest.mark.django_db
def test_the_save_tells_the_page_nothing_of_the_grade(client, user):
    attempt = services.attempt_start(user=user, quiz=quiz_with(single_choice()))
    client.force_login(user)
    page = client.get(f"/quizzes/attempt/{attempt.pk}/")
    assert page.status_code == 200
    response = rows(attempt)[0]
    token = response.choice_tokens[response.choice_order.index(0)]
    saved = client.post(
        f"/quizzes/attempt/{attempt.pk}/save/",
        {"position": 0, "q0-version": 0, "q0-choice": token},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert saved.status_code == 200, saved.content
    assert rows(attempt)[0].fraction == 1  # stored
    assert set(saved.json()) == {"ok", "version", "answered", "remaining"}
