"""Writes of question translations: saving one from the admin, deleting one, and importing
a whole GIFT / Moodle XML file as the translation of a bank or category.

A translation is never a new item (``models.translation``): these services only store
words against the original questions and answers, and write one audit entry each.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from courses.quiz import languages
from courses.quiz.exceptions import QuizError
from courses.quiz.formats import ParsedQuestion
from courses.quiz.models import (
    AnswerTranslation,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionTranslation,
    QuestionType,
)

from .audit import log_event


class TranslationRefused(QuizError):
    default_message = _("This translation cannot be saved.")


@dataclass(frozen=True)
class AnswerWords:
    """One answer's words in the translation's language."""

    text: str = ""
    match_text: str = ""
    feedback: str = ""


def _check_language(language: str) -> None:
    if language not in dict(languages.translation_languages()):
        raise TranslationRefused(
            _("“%(language)s” is not a language questions can be translated into.")
            % {"language": language}
        )


def _store(
    *,
    question: Question,
    language: str,
    text: str,
    general_feedback: str,
    answers: dict[int, AnswerWords],
) -> QuestionTranslation:
    """Creates or replaces the question's translation into ``language`` (in a transaction)."""
    translation, _created = QuestionTranslation.objects.update_or_create(
        question=question,
        language=language,
        defaults={"text": text, "general_feedback": general_feedback},
    )
    translation.answers.all().delete()
    AnswerTranslation.objects.bulk_create(
        AnswerTranslation(
            translation=translation,
            answer_id=answer_pk,
            text=words.text,
            match_text=words.match_text,
            feedback=words.feedback,
        )
        for answer_pk, words in answers.items()
    )
    return translation


def question_translation_save(
    *,
    question: Question,
    language: str,
    text: str,
    general_feedback: str = "",
    answers: dict[int, AnswerWords],
    actor=None,
) -> QuestionTranslation:
    """Saves the question's words in ``language`` (one of the translation languages).
    ``answers`` maps each answer's pk to its words; a pk that is not one of the question's
    answers is refused. The translation may be incomplete (it is then simply not offered)."""
    _check_language(language)
    own = set(question.answers.values_list("pk", flat=True))
    if set(answers) - own:
        raise TranslationRefused(_("An answer does not belong to this question: reload the page."))
    if not text.strip():
        raise TranslationRefused(_("Give the question text."))
    with transaction.atomic():
        translation = _store(
            question=question,
            language=language,
            text=text,
            general_feedback=general_feedback,
            answers=answers,
        )
        log_event(
            action="quiz.question.translated",
            user=actor,
            instance=question,
            question=question.pk,
            language=language,
        )
    return translation


def question_translation_delete(*, translation: QuestionTranslation, actor=None) -> None:
    """Deletes one translation. A quiz offering its language stops offering it (it is no
    longer complete) until the translation is written again."""
    question = translation.question
    with transaction.atomic():
        language = translation.language
        translation.delete()
        log_event(
            action="quiz.question.translation_deleted",
            user=actor,
            instance=question,
            question=question.pk,
            language=language,
        )


def clean_category_path(path: str) -> str:
    return "/".join(part.strip() for part in (path or "").split("/") if part.strip())


def category_path_exists(*, bank: QuestionBank, category: str) -> bool:
    """Whether ``category`` names a category of the bank or the parent path of some
    (``ASI/Exam`` for ``ASI/Exam/Standards``)."""
    path = clean_category_path(category)
    return QuestionCategory.objects.filter(
        Q(name=path) | Q(name__startswith=path + "/"), bank=bank
    ).exists()


def translation_originals(*, bank: QuestionBank, category: str = "") -> list[Question]:
    """The questions a file is a translation of, in the order an export writes them (bank,
    then category path, then creation): the whole bank, or the categories under one path
    (``ASI/Exam``: that category, if it exists, and every one below it)."""
    questions = Question.objects.filter(category__bank=bank)
    path = clean_category_path(category)
    if path:
        questions = questions.filter(
            Q(category__name=path) | Q(category__name__startswith=path + "/")
        )
    return list(
        questions.select_related("category")
        .prefetch_related("answers")
        .order_by("category__name", "pk")
    )


def _type_label(qtype: str) -> str:
    try:
        return str(QuestionType(qtype).label)
    except ValueError:
        return qtype


def translation_pairs(
    *, originals: list[Question], questions: list[ParsedQuestion]
) -> list[tuple[Question, ParsedQuestion]]:
    """The file's questions paired in order with the originals, or TranslationRefused naming
    the first difference: the count, a question's type, or its number of answers."""
    if len(originals) != len(questions):
        raise TranslationRefused(
            _(
                "The file has %(file)s questions but the bank or category has %(bank)s: a "
                "translation must have the same questions in the same order."
            )
            % {"file": len(questions), "bank": len(originals)}
        )
    for number, (original, parsed) in enumerate(zip(originals, questions, strict=True), 1):
        if original.qtype != parsed.qtype:
            raise TranslationRefused(
                _(
                    "Question %(n)s of the file (“%(file_name)s”) is of type %(file_type)s, but "
                    "question %(n)s of the bank (“%(name)s”) is of type %(type)s."
                )
                % {
                    "n": number,
                    "file_name": parsed.name,
                    "file_type": _type_label(parsed.qtype),
                    "name": original.name,
                    "type": _type_label(original.qtype),
                }
            )
        expected = len(original.answers.all())
        if expected != len(parsed.answers):
            raise TranslationRefused(
                _(
                    "Question %(n)s of the file (“%(file_name)s”) has %(file)s answers, but "
                    "question %(n)s of the bank (“%(name)s”) has %(bank)s."
                )
                % {
                    "n": number,
                    "file_name": parsed.name,
                    "file": len(parsed.answers),
                    "name": original.name,
                    "bank": expected,
                }
            )
    return list(zip(originals, questions, strict=True))


@dataclass(frozen=True)
class TranslationImportResult:
    language: str
    translated: int


def questions_import_translation(
    *,
    bank: QuestionBank,
    category: str = "",
    language: str,
    questions: list[ParsedQuestion],
    actor=None,
    source: str = "",
) -> TranslationImportResult:
    """Stores a parsed file as the translation into ``language`` of the bank (or of the
    categories under the path ``category``), question by question in order; an existing
    translation into that language is replaced. All or nothing: a file that does not match
    (``translation_pairs``) writes nothing. The file's own categories are ignored (a
    translator may translate their names); numerical values and True / False are not words."""
    _check_language(language)
    if category and not category_path_exists(bank=bank, category=category):
        raise TranslationRefused(
            _("The bank “%(bank)s” has no category “%(category)s”.")
            % {"bank": bank.name, "category": category}
        )
    pairs = translation_pairs(
        originals=translation_originals(bank=bank, category=category), questions=questions
    )
    with transaction.atomic():
        for original, parsed in pairs:
            untranslated_text = original.qtype in languages.UNTRANSLATED_ANSWER_TYPES
            _store(
                question=original,
                language=language,
                text=parsed.text,
                general_feedback=parsed.general_feedback,
                answers={
                    answer.pk: AnswerWords(
                        text="" if untranslated_text else words.text,
                        match_text=words.match_text,
                        feedback=words.feedback,
                    )
                    for answer, words in zip(original.answers.all(), parsed.answers, strict=True)
                },
            )
        log_event(
            action="quiz.bank.translation_imported",
            user=actor,
            instance=bank,
            bank=bank.pk,
            category=clean_category_path(category),
            language=language,
            count=len(pairs),
            source=source,
        )
    return TranslationImportResult(language=language, translated=len(pairs))
