"""Demo content of the quiz engine: a question bank from the shipped GIFT file, a practice
quiz (``ps-practice-quiz``), a timed exam (``ps-auditor-exam``) and the Chain of Custody
knowledge check (``coc-knowledge-check``); the exam's questions in French and Chinese
(``demo_data/asi_auditor_exam.<language>.gift``, imported as translations). Idempotent.

The courses helper's demo places both quizzes into a demo course.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from courses.quiz import formats, languages
from courses.quiz.models import (
    AnswerTranslation,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionType,
    Quiz,
    QuizSlot,
    ReviewLevel,
)
from courses.quiz.services import questions_import, questions_import_translation

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "asi_auditor_questions.gift"
BANK = "ASI auditor training"
PRACTICE_SLUG = "ps-practice-quiz"
EXAM_SLUG = "ps-auditor-exam"
COC_SLUG = "coc-knowledge-check"
COC_CATEGORY = "ASI/Practice/Chain of Custody"
#: The exam's questions in other languages: one GIFT file per language, in bank order.
EXAM_TRANSLATIONS = {
    "fr": DEMO_FILE.parent / "asi_auditor_exam.fr.gift",
    "zh-hans": DEMO_FILE.parent / "asi_auditor_exam.zh-hans.gift",
}
#: True / false labels written into the demo translations (GIFT files have none).
TRUE_FALSE_LABELS = {"fr": ("Vrai", "Faux"), "zh-hans": ("正确", "错误")}
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


def seed_exam_translations(bank: QuestionBank, exam: Quiz, stdout=None) -> None:
    """The exam's questions in French and Chinese (EXAM_TRANSLATIONS), imported as
    translations of each exam category unless the exam is already fully translated into
    that language, and the exam offered in each language that is complete."""
    for language, path in EXAM_TRANSLATIONS.items():
        if language not in dict(languages.translation_languages()):
            continue
        if languages.untranslated_items(quiz=exam, language=language):
            by_category = defaultdict(list)
            for parsed in formats.parse("gift", path.read_bytes()):
                by_category[parsed.category].append(parsed)
            for name, questions in by_category.items():
                questions_import_translation(
                    bank=bank,
                    category=name,
                    language=language,
                    questions=questions,
                    source=path.name,
                )
            true, false = TRUE_FALSE_LABELS[language]
            for label, original in ((true, "True"), (false, "False")):
                AnswerTranslation.objects.filter(
                    translation__language=language,
                    translation__question__category__bank=bank,
                    translation__question__qtype=QuestionType.TRUE_FALSE,
                    answer__text=original,
                    text="",
                ).update(text=label)
            _say(stdout, f"  translated the exam's questions into {language}")
        if language not in exam.languages and not languages.untranslated_items(
            quiz=exam, language=language
        ):
            exam.languages = [*exam.languages, language]
            exam.save(update_fields=["languages"])


def seed(stdout=None) -> dict[str, Quiz]:
    bank = seed_bank(stdout)
    exam = seed_exam(bank, stdout)
    seed_exam_translations(bank, exam, stdout)
    return {
        "practice": seed_practice_quiz(bank, stdout),
        "exam": exam,
        "coc": seed_coc_quiz(bank, stdout),
    }
