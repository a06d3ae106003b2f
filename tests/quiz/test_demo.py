import pytest

from courses.quiz import demo, services
from courses.quiz.models import Question, Quiz, QuizSlot

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_both_quizzes_can_be_taken(user):
    first = demo.seed()
    counts = (Question.objects.count(), Quiz.objects.count(), QuizSlot.objects.count())
    demo.seed()
    assert (Question.objects.count(), Quiz.objects.count(), QuizSlot.objects.count()) == counts
    assert Question.objects.count() == 22
    practice, exam = first["practice"], first["exam"]
    assert practice.slug == "ps-practice-quiz" and not practice.is_exam
    assert exam.slug == "ps-auditor-exam" and exam.is_exam and exam.time_limit_minutes == 30
    assert exam.max_attempts == 2 and exam.pass_mark == 75
    assert services.attempt_start(user=user, quiz=practice).responses.count() == 12
    attempt = services.attempt_start(user=user, quiz=exam)
    assert attempt.responses.count() == 8 and attempt.deadline is not None
