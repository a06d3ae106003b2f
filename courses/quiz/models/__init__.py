"""The quiz engine's models: question bank, quizzes and exams, attempts, sittings."""

from .attempt import TRANSITIONS, Attempt, AttemptStatus, Response
from .bank import Answer, Question, QuestionBank, QuestionCategory, QuestionType, TextFormat
from .quiz import (
    ExamSitting,
    Quiz,
    QuizOverride,
    QuizSlot,
    ReviewLevel,
    ReviewWhen,
    SittingStatus,
)
from .translation import AnswerTranslation, QuestionTranslation

__all__ = [
    "TRANSITIONS",
    "Answer",
    "AnswerTranslation",
    "Attempt",
    "AttemptStatus",
    "ExamSitting",
    "Question",
    "QuestionBank",
    "QuestionCategory",
    "QuestionTranslation",
    "QuestionType",
    "Quiz",
    "QuizOverride",
    "QuizSlot",
    "Response",
    "ReviewLevel",
    "ReviewWhen",
    "SittingStatus",
    "TextFormat",
]
