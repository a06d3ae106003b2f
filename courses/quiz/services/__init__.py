"""Writes of the quiz engine: attempts (``attempts``: start and sittings; ``answers``;
``submission``: submit, marking, the overdue sweep; ``grades``), the question bank and its
translations."""

from courses.quiz.exceptions import NoSittingAvailable, QuizError, SittingAlreadyUsed

from .answers import attempt_flag, attempt_save_answer
from .attempts import attempt_deadline, attempt_start, sitting_grant, sitting_revoke
from .audit import log_event
from .bank import ImportResult, questions_for_export, questions_import
from .submission import (
    OverdueRun,
    attempt_submit,
    attempt_submit_own,
    attempts_close_overdue,
    essay_mark,
)
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
