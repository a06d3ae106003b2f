"""Writes of the quiz engine (attempts, marking, sittings, question bank)."""

from courses.quiz.exceptions import NoSittingAvailable, QuizError, SittingAlreadyUsed

from .attempts import (
    OverdueRun,
    attempt_deadline,
    attempt_flag,
    attempt_save_answer,
    attempt_start,
    attempt_submit,
    attempt_submit_own,
    attempts_close_overdue,
    essay_mark,
    sitting_grant,
    sitting_revoke,
)
from .audit import log_event
from .bank import ImportResult, questions_for_export, questions_import
from .translations import (
    AnswerWords,
    TranslationImportResult,
    TranslationRefused,
    question_translation_delete,
    question_translation_save,
    questions_import_translation,
)

__all__ = [
    "AnswerWords",
    "TranslationImportResult",
    "TranslationRefused",
    "question_translation_delete",
    "question_translation_save",
    "questions_import_translation",
    "ImportResult",
    "NoSittingAvailable",
    "OverdueRun",
    "QuizError",
    "SittingAlreadyUsed",
    "attempt_deadline",
    "attempt_flag",
    "attempt_save_answer",
    "attempt_start",
    "attempt_submit",
    "attempt_submit_own",
    "attempts_close_overdue",
    "essay_mark",
    "log_event",
    "questions_for_export",
    "questions_import",
    "sitting_grant",
    "sitting_revoke",
]
