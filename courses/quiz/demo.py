"""Demo content of the quiz engine: a question bank from the shipped GIFT file, a practice
quiz (``ps-practice-quiz``), a timed exam (``ps-auditor-exam``) and the Chain of Custody
knowledge check (``coc-knowledge-check``). Idempotent.

The courses helper's demo places both quizzes into a demo course.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from courses.quiz import formats
from courses.quiz.models import (
    Question,
    QuestionBank,
    QuestionCategory,
    Quiz,
    QuizSlot,
    ReviewLevel,
)
from courses.quiz.services import questions_import

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "asi_auditor_questions.gift"
BANK = "ASI auditor training"
PRACTICE_SLUG = "ps-practice-quiz"
EXAM_SLUG = "ps-auditor-exam"
COC_SLUG = "coc-knowledge-check"
COC_CATEGORY = "ASI/Practice/Chain of Custody"
EXAM_DRAWS = [("ASI/Exam/Standards", 4), ("ASI/Exam/Audit practice", 3), ("ASI/Exam/Written", 1)]


def _say(stdout, message: str) -> None:
    if stdout:
        stdout.write(message)


def seed_bank(stdout=None) -> QuestionBank:
    """The demo bank, imported from the shipped GIFT file unless it has questions already;
    its ``ASI/Exam`` categories are exam pools."""
    bank = QuestionBank.objects.filter(name=BANK).first()
    if bank is None or not Question.objects.filter(category__bank=bank).exists():
        result = questions_import(
            bank_name=BANK,
            questions=formats.parse("gift", DEMO_FILE.read_bytes()),
            source=DEMO_FILE.name,
        )
        bank = result.bank
        _say(stdout, f"  imported {result.created} questions into {BANK}")
    QuestionCategory.objects.filter(bank=bank, name__startswith="ASI/Exam").update(
        is_exam_pool=True
    )
    return bank


def seed_practice_quiz(bank: QuestionBank, stdout=None) -> Quiz:
    """The untimed practice quiz: every ``ASI/Practice`` question, full review afterwards."""
    practice, created = Quiz.objects.get_or_create(
        slug=PRACTICE_SLUG,
        defaults={
            "title": "Performance Standard practice quiz",
            "description": (
                "Check your knowledge of the ASI standards, sectors and the aluminium value "
                "chain. No time limit; you see the right answers and feedback afterwards."
            ),
            "pass_mark": Decimal("70"),
            "questions_per_page": 3,
            "shuffle_answers": True,
            "review_level": ReviewLevel.FULL,
        },
    )
    if created:
        questions = Question.objects.filter(
            category__bank=bank, category__name__startswith="ASI/Practice"
        ).order_by("category__name", "pk")
        for index, question in enumerate(questions):
            QuizSlot.objects.create(quiz=practice, question=question, sort_order=index)
        _say(stdout, f"  created quiz {PRACTICE_SLUG}")
    return practice


def seed_exam(bank: QuestionBank, stdout=None) -> Quiz:
    """The timed exam: random draws from the exam pools (EXAM_DRAWS), score only."""
    exam, created = Quiz.objects.get_or_create(
        slug=EXAM_SLUG,
        defaults={
            "title": "ASI auditor exam (Performance Standard)",
            "description": (
                "The accreditation exam: 30 minutes, two attempts, pass mark 75 %. Questions "
                "are drawn at random from the exam pool; a written answer is marked by the "
                "secretariat."
            ),
            "is_exam": True,
            "pass_mark": Decimal("75"),
            "time_limit_minutes": 30,
            "max_attempts": 2,
            "attempt_delay_minutes": 60,
            "questions_per_page": 1,
            "shuffle_questions": True,
            "shuffle_answers": True,
            "review_level": ReviewLevel.SCORE,
        },
    )
    if created:
        for index, (path, count) in enumerate(EXAM_DRAWS):
            QuizSlot.objects.create(
                quiz=exam,
                category=QuestionCategory.objects.get(bank=bank, name=path),
                draw_count=count,
                sort_order=index,
            )
        _say(stdout, f"  created exam {EXAM_SLUG}")
    return exam


def seed_coc_quiz(bank: QuestionBank, stdout=None) -> Quiz:
    """The Chain of Custody knowledge check: every ``ASI/Practice/Chain of Custody``
    question, untimed, full review afterwards (the CoC learning module places it)."""
    quiz, created = Quiz.objects.get_or_create(
        slug=COC_SLUG,
        defaults={
            "title": "Chain of Custody knowledge check",
            "description": (
                "Check your knowledge of the Chain of Custody Standard: its sectors, audit "
                "firms and training. No time limit; you see the right answers afterwards."
            ),
            "pass_mark": Decimal("70"),
            "shuffle_answers": True,
            "review_level": ReviewLevel.FULL,
        },
    )
    if created:
        questions = Question.objects.filter(
            category__bank=bank, category__name=COC_CATEGORY
        ).order_by("pk")
        for index, question in enumerate(questions):
            QuizSlot.objects.create(quiz=quiz, question=question, sort_order=index)
        _say(stdout, f"  created quiz {COC_SLUG}")
    return quiz


def seed(stdout=None) -> dict[str, Quiz]:
    bank = seed_bank(stdout)
    return {
        "practice": seed_practice_quiz(bank, stdout),
        "exam": seed_exam(bank, stdout),
        "coc": seed_coc_quiz(bank, stdout),
    }
