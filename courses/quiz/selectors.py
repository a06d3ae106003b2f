"""Reads of the quiz engine. Other apps (courses, accreditation, payments) use these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from courses.quiz.models import (
    Attempt,
    AttemptStatus,
    ExamSitting,
    Question,
    QuestionCategory,
    Quiz,
    QuizOverride,
    QuizSlot,
    Response,
    ReviewLevel,
    ReviewWhen,
    SittingStatus,
)
from lms import audit


@dataclass(frozen=True)
class AttemptResult:
    """A final result of one attempt, as other apps and the dashboard see it."""

    quiz: Quiz
    attempt_id: int
    number: int
    percent: Decimal
    passed: bool
    date: datetime.date
    finalised_at: datetime.datetime
    #: whether the quiz's review policy lets the learner see the score now
    score_visible: bool = True


def _result(attempt: Attempt) -> AttemptResult:
    return AttemptResult(
        score_visible=review_options(attempt=attempt).score,
        quiz=attempt.quiz,
        attempt_id=attempt.pk,
        number=attempt.number,
        percent=attempt.percent or Decimal("0"),
        passed=bool(attempt.passed),
        date=timezone.localdate(attempt.finalised_at),
        finalised_at=attempt.finalised_at,
    )


def final_attempts(*, user, quiz: Quiz | None = None) -> QuerySet[Attempt]:
    queryset = Attempt.objects.filter(user=user, status=AttemptStatus.FINISHED).select_related(
        "quiz"
    )
    if quiz is not None:
        queryset = queryset.filter(quiz=quiz)
    return queryset


def best_result(*, user, quiz: Quiz) -> AttemptResult | None:
    """The user's highest final score on the quiz (the earliest of equal scores)."""
    if not getattr(user, "is_authenticated", False):
        return None
    attempt = final_attempts(user=user, quiz=quiz).order_by("-percent", "finalised_at").first()
    return _result(attempt) if attempt else None


def passed_on(
    *,
    user,
    quiz: Quiz,
    min_percent: Decimal | None = None,
    on: datetime.date | None = None,
) -> datetime.date | None:
    """The date of the most recent final attempt, finalised on or before ``on`` (today by
    default), whose score reaches max(min_percent, the quiz's pass mark); else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    threshold = quiz.pass_mark if min_percent is None else max(min_percent, quiz.pass_mark)
    queryset = final_attempts(user=user, quiz=quiz).filter(percent__gte=threshold)
    if on is not None:
        end = timezone.make_aware(
            datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
        )
        queryset = queryset.filter(finalised_at__lt=end)
    attempt = queryset.order_by("-finalised_at").first()
    return timezone.localdate(attempt.finalised_at) if attempt else None


def results_for_user(*, user) -> list[AttemptResult]:
    """Every final attempt of the user, newest first (for the learner dashboard)."""
    return [_result(a) for a in final_attempts(user=user).order_by("-finalised_at")]


def quiz_is_available_to(*, user, quiz: Quiz, now: datetime.datetime | None = None) -> bool:
    """Whether the quiz is open now (its open and close dates). Enrolment is not checked."""
    now = now or timezone.now()
    if quiz.open_at and now < quiz.open_at:
        return False
    return not (quiz.close_at and now >= quiz.close_at)


def user_override(*, user, quiz: Quiz) -> QuizOverride | None:
    return QuizOverride.objects.filter(user=user, quiz=quiz).first()


def attempts_allowed(*, user, quiz: Quiz) -> int | None:
    """None: unlimited."""
    if quiz.max_attempts is None:
        return None
    override = user_override(user=user, quiz=quiz)
    return quiz.max_attempts + (override.extra_attempts if override else 0)


def attempts_used(*, user, quiz: Quiz) -> int:
    return Attempt.objects.filter(user=user, quiz=quiz).count()


def in_progress_attempt(*, user, quiz: Quiz) -> Attempt | None:
    return Attempt.objects.filter(user=user, quiz=quiz, status=AttemptStatus.IN_PROGRESS).first()


def available_sittings(*, user, quiz: Quiz) -> QuerySet[ExamSitting]:
    return ExamSitting.objects.filter(user=user, quiz=quiz, status=SittingStatus.AVAILABLE)


def sitting_is_used(*, sitting: ExamSitting) -> bool:
    return ExamSitting.objects.filter(pk=sitting.pk, status=SittingStatus.USED).exists()


def remaining_seconds(*, attempt: Attempt, now: datetime.datetime | None = None) -> int | None:
    """Seconds left by the server's clock (None when the attempt has no deadline)."""
    if attempt.deadline is None:
        return None
    now = now or timezone.now()
    return max(0, int((attempt.deadline - now).total_seconds()))


def category_questions(category: QuestionCategory, *, include_subcategories: bool) -> QuerySet:
    condition = Q(category=category)
    if include_subcategories:
        condition |= Q(category__bank=category.bank, category__name__startswith=category.name + "/")
    return Question.objects.filter(condition)


def slot_pool_error(*, slot: QuizSlot, is_exam: bool) -> str | None:
    """Why a slot may not be in this quiz (exam pools are for exams only), or None."""
    if slot.question_id:
        category = slot.question.category
    elif slot.category_id:
        category = slot.category
    else:
        return None
    if category.exam_pool and not is_exam:
        return _("“%(category)s” is an exam pool: practice quizzes cannot use its questions.") % {
            "category": category
        }
    if is_exam and not category.exam_pool:
        return _("“%(category)s” is a practice pool: exams draw from exam pools only.") % {
            "category": category
        }
    return None


def quiz_pool_errors(*, quiz: Quiz) -> list[str]:
    slots = quiz.slots.select_related("question__category__bank", "category__bank")
    return [e for e in (slot_pool_error(slot=s, is_exam=quiz.is_exam) for s in slots) if e]


@dataclass(frozen=True)
class ReviewOptions:
    """What the learner may see of one attempt now."""

    score: bool
    correctness: bool
    answers: bool  # the right answers and the feedback

    @property
    def anything(self) -> bool:
        return self.score or self.correctness or self.answers


NO_REVIEW = ReviewOptions(score=False, correctness=False, answers=False)


def review_options(*, attempt: Attempt, now: datetime.datetime | None = None) -> ReviewOptions:
    """The review policy applied to an attempt: never before it is submitted; for an exam,
    never more than the score."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return NO_REVIEW
    quiz = attempt.quiz
    now = now or timezone.now()
    if quiz.review_when == ReviewWhen.AFTER_CLOSE and (
        quiz.close_at is None or now < quiz.close_at
    ):
        return NO_REVIEW
    level = quiz.review_level
    if quiz.is_exam or attempt.is_exam:
        level = ReviewLevel.SCORE if level != ReviewLevel.NOTHING else level
    return ReviewOptions(
        score=level in (ReviewLevel.SCORE, ReviewLevel.CORRECTNESS, ReviewLevel.FULL),
        correctness=level in (ReviewLevel.CORRECTNESS, ReviewLevel.FULL),
        answers=level == ReviewLevel.FULL,
    )


def marking_queue() -> QuerySet[Response]:
    """Essays waiting for a person, oldest submission first."""
    return (
        Response.objects.filter(needs_marking=True, attempt__status=AttemptStatus.NEEDS_MARKING)
        .select_related("attempt__quiz", "attempt__user")
        .order_by("attempt__submitted_at", "position")
    )


def log_entries(
    *, attempt: Attempt | None = None, quiz: Quiz | None = None, action: str | None = None
) -> QuerySet[ModelLogEntry]:
    """The quiz engine's audit entries (``quiz.*`` actions), newest first: every one, or
    those about one attempt, or every entry that names the quiz (its own and its attempts');
    ``action`` keeps one action code."""
    if attempt is not None:
        entries = audit.entries_for(attempt).filter(action__startswith="quiz.")
    else:
        entries = ModelLogEntry.objects.filter(action__startswith="quiz.").order_by(
            "-timestamp", "-pk"
        )
    if quiz is not None:
        entries = entries.filter(data__quiz=quiz.pk)
    if action is not None:
        entries = entries.filter(action=action)
    return entries
