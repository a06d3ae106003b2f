"""Writes of the question bank: importing parsed questions, reading them back for export."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from courses.quiz.formats import ParsedAnswer, ParsedQuestion
from courses.quiz.models import Answer, Question, QuestionBank, QuestionCategory

from .audit import log_event


@dataclass(frozen=True)
class ImportResult:
    bank: QuestionBank
    created: int
    categories: list[str]


def questions_import(
    *, bank_name: str, questions: list[ParsedQuestion], actor=None, source: str = ""
) -> ImportResult:
    """Creates the bank (if new), its categories and every question, all or nothing.
    The questions must come from a whole-file parse that succeeded."""
    with transaction.atomic():
        bank, _created = QuestionBank.objects.get_or_create(name=bank_name)
        categories: dict[str, QuestionCategory] = {}
        for parsed in questions:
            if parsed.category not in categories:
                categories[parsed.category], _ = QuestionCategory.objects.get_or_create(
                    bank=bank, name=parsed.category
                )
            question = Question.objects.create(
                category=categories[parsed.category],
                qtype=parsed.qtype,
                name=parsed.name[:255],
                text=parsed.text,
                text_format=parsed.text_format,
                general_feedback=parsed.general_feedback,
                case_sensitive=parsed.case_sensitive,
                default_mark=parsed.default_mark,
            )
            Answer.objects.bulk_create(
                Answer(
                    question=question,
                    sort_order=index,
                    text=a.text,
                    match_text=a.match_text,
                    fraction=a.fraction,
                    tolerance=a.tolerance,
                    feedback=a.feedback,
                )
                for index, a in enumerate(parsed.answers)
            )
        log_event(
            action="quiz.bank.imported",
            user=actor,
            instance=bank,
            bank=bank.pk,
            count=len(questions),
            source=source,
        )
    return ImportResult(bank=bank, created=len(questions), categories=sorted(categories))


def questions_for_export(*, bank: QuestionBank) -> list[ParsedQuestion]:
    """Every question of the bank in the parsed form the format writers take."""
    questions = (
        Question.objects.filter(category__bank=bank)
        .select_related("category")
        .prefetch_related("answers")
        .order_by("category__name", "pk")
    )
    return [
        ParsedQuestion(
            qtype=q.qtype,
            name=q.name,
            text=q.text,
            category=q.category.name,
            text_format=q.text_format,
            general_feedback=q.general_feedback,
            case_sensitive=q.case_sensitive,
            default_mark=q.default_mark,
            answers=[
                ParsedAnswer(
                    text=a.text,
                    fraction=a.fraction.normalize(),
                    feedback=a.feedback,
                    tolerance=a.tolerance.normalize(),
                    match_text=a.match_text,
                )
                for a in q.answers.all()
            ],
        )
        for q in questions
    ]
