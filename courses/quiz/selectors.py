"""Reads of the quiz engine. Other apps (courses, accreditation, payments) use these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import ModelLogEntry

from courses.quiz import extensions
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


def final_scores(
    *, user_ids: set[int], quiz_ids: set[int]
) -> dict[tuple[int, int], list[tuple[datetime.datetime, Decimal]]]:
    """{(user id, quiz id): (when final, percent) of every final attempt}, for many people
    and quizzes in one query (``passed_on`` for a whole page of people)."""
    scores: dict[tuple[int, int], list[tuple[datetime.datetime, Decimal]]] = {}
    if not user_ids or not quiz_ids:
        return scores
    rows = Attempt.objects.filter(
        user_id__in=user_ids,
        quiz_id__in=quiz_ids,
        status=AttemptStatus.FINISHED,
        finalised_at__isnull=False,
        percent__isnull=False,
    ).values_list("user_id", "quiz_id", "finalised_at", "percent")
    for user_id, quiz_id, finalised_at, percent in rows:
        scores.setdefault((user_id, quiz_id), []).append((finalised_at, percent))
    return scores


def passed_on_many(*, user, quizzes: list[Quiz]) -> dict[int, datetime.date]:
    """{quiz id: ``passed_on(user=user, quiz=quiz)``} for the quizzes the user passed, in
    one query (a page with several knowledge checks)."""
    if not getattr(user, "is_authenticated", False) or not quizzes:
        return {}
    scores = final_scores(user_ids={user.pk}, quiz_ids={quiz.pk for quiz in quizzes})
    passed = {}
    for quiz in quizzes:
        times = [
            at for at, percent in scores.get((user.pk, quiz.pk), []) if percent >= quiz.pass_mark
        ]
        if times:
            passed[quiz.pk] = timezone.localdate(max(times))
    return passed


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


# --- may this person start an attempt now? ----------------------------------------------


class StartBlock:
    """Why a start is refused (``StartAvailability.reason``); the empty string: it is not."""

    SIGN_IN = "sign_in"
    IN_PROGRESS = "in_progress"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    REFUSED = "refused"
    MISCONFIGURED = "misconfigured"
    LIMIT = "limit"
    DELAY = "delay"
    SITTING = "sitting"


def duration_text(minutes: int) -> str:
    """A delay in its largest whole unit: 1440 minutes is "1 day", 180 "3 hours", 90
    "90 minutes"."""
    if minutes and minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def moment_text(moment: datetime.datetime) -> str:
    """A date and time in the site's time zone and the active language's formats
    (``lms.formats``): "Dec. 7, 2026 at 14:30", "7 décembre 2026 at 14:30"."""
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {
        "date": date_format(local, "DATE_FORMAT"),
        "time": time_format(local, "TIME_FORMAT"),
    }


@dataclass(frozen=True)
class StartAvailability:
    """Whether a person may start a new attempt of a quiz now and, if not, why: the one
    answer the quiz page shows and ``services.attempt_start`` enforces.

    ``reason`` is a ``StartBlock`` value (empty when ``can_start``), ``message`` the reason
    in plain words; ``next_start_at`` is when a start becomes possible (the quiz opens, the
    delay after the last attempt ends), if it will. The counts describe the rules before
    any attempt: attempts used / allowed / left, the delay, the open and close dates, the
    paid sittings and where to buy one."""

    can_start: bool
    reason: str
    message: str
    attempts_used: int
    attempts_allowed: int | None
    delay_minutes: int
    open_at: datetime.datetime | None
    close_at: datetime.datetime | None
    next_start_at: datetime.datetime | None = None
    in_progress: Attempt | None = None
    refusals: tuple[extensions.StartRefusal, ...] = ()
    sitting_required: bool = False
    sittings_available: int | None = None
    sitting_offer: extensions.SittingOffer | None = None

    @property
    def attempts_left(self) -> int | None:
        if self.attempts_allowed is None:
            return None
        return max(0, self.attempts_allowed - self.attempts_used)

    @property
    def delay_text(self) -> str:
        return duration_text(self.delay_minutes) if self.delay_minutes else ""

    @property
    def next_start_text(self) -> str:
        return moment_text(self.next_start_at) if self.next_start_at else ""


def _last_submission(attempts: list[Attempt], now: datetime.datetime) -> datetime.datetime | None:
    """When the user's latest attempt ended: its submission, or the deadline of one whose
    time ran out while the learner was away (it is submitted at its deadline)."""
    ends = [a.submitted_at for a in attempts if a.submitted_at]
    ends += [
        a.deadline
        for a in attempts
        if a.status == AttemptStatus.IN_PROGRESS and a.deadline and now >= a.deadline
    ]
    return max(ends) if ends else None


def start_availability(
    *, user, quiz: Quiz, now: datetime.datetime | None = None
) -> StartAvailability:
    """May ``user`` start a new attempt of ``quiz`` at ``now``? Reads only.

    The rules, in the order they are checked (the first that fails is the reason):
    signed in; no attempt in progress whose time lasts (it is continued, never restarted);
    the quiz is open (``open_at`` <= now < ``close_at``); no app above the engine refuses
    (``quiz_start_refusal`` hook, e.g. an exam of a course needs an enrolment); the
    question pools can fill the quiz; attempts used < attempts allowed (with the person's
    override); the delay after the last attempt has passed; a paid sitting is available
    when the quiz needs one (the ``quiz_sitting_offer`` hook says where to buy one)."""
    now = now or timezone.now()
    base = {
        "attempts_used": 0,
        "attempts_allowed": quiz.max_attempts,
        "delay_minutes": quiz.attempt_delay_minutes or 0,
        "open_at": quiz.open_at,
        "close_at": quiz.close_at,
        "sitting_required": quiz.sitting_fee_required,
    }

    def refuse(reason: str, message: str, **extra) -> StartAvailability:
        return StartAvailability(
            can_start=False, reason=reason, message=str(message), **{**base, **extra}
        )

    dates = _date_block(quiz=quiz, now=now)
    if not getattr(user, "is_authenticated", False):
        if dates:
            return refuse(*dates[:2], next_start_at=dates[2])
        return refuse(StartBlock.SIGN_IN, _("Sign in to start."))
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz))
    base["attempts_used"] = len(attempts)
    base["attempts_allowed"] = attempts_allowed(user=user, quiz=quiz)
    if quiz.sitting_fee_required:
        base["sittings_available"] = available_sittings(user=user, quiz=quiz).count()
        base["sitting_offer"] = extensions.sitting_offer(user=user, quiz=quiz)
    running = next(
        (
            a
            for a in attempts
            if a.status == AttemptStatus.IN_PROGRESS and (a.deadline is None or now < a.deadline)
        ),
        None,
    )
    if running is not None:
        return refuse(
            StartBlock.IN_PROGRESS,
            _("You have an attempt in progress: continue it."),
            in_progress=running,
        )
    if dates:
        return refuse(*dates[:2], next_start_at=dates[2])
    refusals = tuple(extensions.start_refusals(user=user, quiz=quiz))
    if refusals:
        return refuse(StartBlock.REFUSED, " ".join(str(r) for r in refusals), refusals=refusals)
    errors = quiz_pool_errors(quiz=quiz)
    if errors:
        return refuse(StartBlock.MISCONFIGURED, " ".join(errors))
    allowed = base["attempts_allowed"]
    if allowed is not None and len(attempts) >= allowed:
        return refuse(StartBlock.LIMIT, _("You have used all the attempts allowed for this quiz."))
    last = _last_submission(attempts, now)
    if last is not None and quiz.attempt_delay_minutes:
        available_at = last + datetime.timedelta(minutes=quiz.attempt_delay_minutes)
        if now < available_at:
            if quiz.close_at and available_at >= quiz.close_at:
                message = _(
                    "You must wait %(delay)s between attempts, and the quiz closes before "
                    "then: no further attempt is possible."
                ) % {"delay": duration_text(quiz.attempt_delay_minutes)}
                return refuse(StartBlock.DELAY, message)
            message = _(
                "You must wait %(delay)s between attempts. You can start again on %(when)s."
            ) % {
                "delay": duration_text(quiz.attempt_delay_minutes),
                "when": moment_text(available_at),
            }
            return refuse(StartBlock.DELAY, message, next_start_at=available_at)
    if quiz.sitting_fee_required and not base["sittings_available"]:
        return refuse(
            StartBlock.SITTING, _("This exam needs a paid sitting, and you have none available.")
        )
    return StartAvailability(can_start=True, reason="", message="", **base)


def _date_block(*, quiz: Quiz, now: datetime.datetime):
    """(reason, message, next start) when the quiz is not open at ``now``, else None."""
    if quiz.open_at and now < quiz.open_at:
        return (
            StartBlock.NOT_YET_OPEN,
            _("This quiz opens on %(when)s.") % {"when": moment_text(quiz.open_at)},
            quiz.open_at,
        )
    if quiz.close_at and now >= quiz.close_at:
        return (
            StartBlock.CLOSED,
            _("This quiz closed on %(when)s.") % {"when": moment_text(quiz.close_at)},
            None,
        )
    return None
