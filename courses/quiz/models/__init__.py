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

__all__ = [
    "TRANSITIONS",
    "Answer",
    "Attempt",
    "AttemptStatus",
    "ExamSitting",
    "Question",
    "QuestionBank",
    "QuestionCategory",
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
