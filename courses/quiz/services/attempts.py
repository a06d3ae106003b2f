"""Writes of the quiz engine: starting an attempt, and paid exam sittings.

The rest of an attempt's life is in ``answers`` (saving, flagging) and ``submission``
(submitting, grading, marking, the overdue sweep); grades in ``grades``. Every service
checks state, writes inside ``transaction.atomic()``, and writes one entry in the audit log
(``services.audit.log_event``, ``quiz.*`` actions) saying who did what. Concurrency:
starting locks the user's row (``select_for_update``, effective on PostgreSQL) and relies on
unique constraints everywhere; status moves are compare-and-set updates, so two requests
racing for the same move produce exactly one result.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.quiz import grading, languages, origins, selectors, tokens
from courses.quiz.exceptions import (
    AttemptDelayNotElapsed,
    AttemptLimitReached,
    LanguageNotOffered,
    NoSittingAvailable,
    QuizMisconfigured,
    QuizNotAvailable,
    SittingAlreadyUsed,
    StartRefused,
)
from courses.quiz.models import (
    Attempt,
    ExamSitting,
    Question,
    QuestionType,
    Quiz,
    Response,
    SittingStatus,
)

from .audit import log_event
from .grades import grade_response
from .submission import attempt_submit

# --- starting an attempt -----------------------------------------------------------------


def _draw_questions(quiz: Quiz, rng: random.Random) -> list[tuple[Question, Decimal]]:
    """The attempt's questions in slot order: fixed ones, then each random draw."""
    chosen: list[tuple[Question, Decimal]] = []
    taken: set[int] = set()
    slots = list(quiz.slots.select_related("question", "category__bank").order_by("sort_order"))
    for slot in slots:
        if slot.question_id:
            taken.add(slot.question_id)
    for slot in slots:
        if slot.question_id:
            chosen.append((slot.question, slot.mark or slot.question.default_mark))
            continue
        pool = list(
            selectors.category_questions(
                slot.category, include_subcategories=slot.include_subcategories
            )
            .exclude(pk__in=taken)
            .order_by("pk")
        )
        if len(pool) < slot.draw_count:
            raise QuizMisconfigured(
                _("Category “%(category)s” has %(have)s questions; %(need)s are drawn.")
                % {"category": slot.category, "have": len(pool), "need": slot.draw_count}
            )
        for question in rng.sample(pool, slot.draw_count):
            taken.add(question.pk)
            chosen.append((question, slot.mark or question.default_mark))
    if not chosen:
        raise QuizMisconfigured(_("This quiz has no questions yet."))
    return chosen


def attempt_deadline(
    *, quiz: Quiz, user, started_at: datetime.datetime
) -> datetime.datetime | None:
    """min(start + time limit x the user's time factor, close date)."""
    deadline = None
    if quiz.time_limit:
        override = selectors.user_override(user=user, quiz=quiz)
        factor = override.time_factor if override else Decimal("1")
        deadline = started_at + quiz.time_limit * float(factor)
    if quiz.close_at:
        deadline = min(deadline, quiz.close_at) if deadline else quiz.close_at
    return deadline


def _display_order(quiz: Quiz, snapshot: dict[str, Any], rng: random.Random) -> list[int]:
    """The order the learner sees the choices (or matching options) in, as bank indexes.

    Matching options are always shuffled (in the bank they usually follow the prompts, so
    "prompt i goes with option i" would be right), choices of an exam always, choices of a
    practice quiz when it asks for it; true / false keeps its order.
    """
    order = list(range(grading.choice_count(snapshot)))
    qtype = snapshot["qtype"]
    if qtype == QuestionType.MATCHING or (
        qtype != QuestionType.TRUE_FALSE and (quiz.shuffle_answers or quiz.is_exam)
    ):
        rng.shuffle(order)
    return order


def _lock_user(user) -> None:
    """One start at a time per person (PostgreSQL row lock; SQLite serialises writes)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _running_attempt(*, user, quiz: Quiz, now: datetime.datetime) -> Attempt | None:
    """The user's attempt in progress while its time lasts (the clock never resets). One
    whose time ran out while the learner was away is submitted here, and None returned."""
    with transaction.atomic():
        _lock_user(user)
        current = selectors.in_progress_attempt(user=user, quiz=quiz)
        if current is not None and (current.deadline is None or now < current.deadline):
            return current
    if current is not None:
        attempt_submit(attempt=current, now=now, auto=True)
    return None


#: The refusal ``attempt_start`` raises for each reason ``selectors.start_availability``
#: gives, with the selector's message: the page and the service say the same thing.
_REFUSALS = {
    selectors.StartBlock.SIGN_IN: StartRefused,
    selectors.StartBlock.NOT_YET_OPEN: QuizNotAvailable,
    selectors.StartBlock.CLOSED: QuizNotAvailable,
    selectors.StartBlock.REFUSED: StartRefused,
    selectors.StartBlock.MISCONFIGURED: QuizMisconfigured,
    selectors.StartBlock.LIMIT: AttemptLimitReached,
    selectors.StartBlock.SITTING: NoSittingAvailable,
}


def _check_start_allowed(*, user, quiz: Quiz, now: datetime.datetime) -> int:
    """Refuses a start the rules forbid (``selectors.start_availability``: closed quiz, an
    app's refusal, broken pools, the attempt limit, the delay between attempts, no paid
    sitting), with the reason the quiz page shows; else how many attempts the user has
    used. An attempt in progress found here was started by a concurrent request."""
    availability = selectors.start_availability(user=user, quiz=quiz, now=now)
    if availability.can_start:
        return availability.attempts_used
    if availability.reason == selectors.StartBlock.IN_PROGRESS:
        raise AttemptLimitReached(
            _("Another attempt was started at the same time. Reload the page.")
        )
    if availability.reason == selectors.StartBlock.DELAY:
        raise AttemptDelayNotElapsed(availability.message, available_at=availability.next_start_at)
    raise _REFUSALS[availability.reason](availability.message)


def _reserve_sitting(*, user, quiz: Quiz) -> ExamSitting | None:
    """The paid sitting this start will use (locked, oldest first), None when the quiz needs
    none; NoSittingAvailable when it needs one and the user has none."""
    if not quiz.sitting_fee_required:
        return None
    sitting = (
        selectors.available_sittings(user=user, quiz=quiz)
        .select_for_update()
        .order_by("created_at", "pk")
        .first()
    )
    if sitting is None:
        raise NoSittingAvailable()
    return sitting


def _create_attempt(
    *,
    user,
    quiz: Quiz,
    number: int,
    now: datetime.datetime,
    drawn: list[tuple[Question, Decimal]],
    per_page: int,
    origin: str = "",
    language: str,
) -> Attempt:
    """The attempt row, with its deadline and pages frozen. A concurrent start that inserted
    first (the unique constraints) makes this one AttemptLimitReached."""
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=number,
                started_at=now,
                deadline=attempt_deadline(quiz=quiz, user=user, started_at=now),
                is_exam=quiz.is_exam,
                pass_mark=quiz.pass_mark,
                page_count=(len(drawn) + per_page - 1) // per_page,
                max_marks=sum((mark for _q, mark in drawn), Decimal("0")),
                origin=origin,
                language=language,
            )
    except IntegrityError as exc:
        raise AttemptLimitReached(
            _("Another attempt was started at the same time. Reload the page.")
        ) from exc


def _create_responses(
    *,
    attempt: Attempt,
    drawn: list[tuple[Question, Decimal]],
    per_page: int,
    rng: random.Random,
) -> None:
    """One response per drawn question: its frozen snapshot, display order and tokens."""
    # Every question's answers in one query, however many questions are drawn.
    prefetch_related_objects([question for question, _mark in drawn], "answers")
    responses = []
    for position, (question, mark) in enumerate(drawn):
        snapshot = grading.snapshot_question(question, language=attempt.language)
        order = _display_order(attempt.quiz, snapshot, rng)
        responses.append(
            Response(
                attempt=attempt,
                position=position,
                page=position // per_page,
                question=question,
                snapshot=snapshot,
                choice_order=order,
                choice_tokens=tokens.new_tokens(len(order)),
                prompt_tokens=tokens.new_tokens(len(snapshot.get("prompts", []))),
                max_mark=mark,
            )
        )
        grade_response(responses[-1])  # what a blank answer earns
    Response.objects.bulk_create(responses)


def _consume_sitting(*, sitting: ExamSitting, attempt: Attempt, now: datetime.datetime) -> None:
    """Marks the reserved sitting used by this attempt (compare-and-set)."""
    consumed = ExamSitting.objects.filter(pk=sitting.pk, status=SittingStatus.AVAILABLE).update(
        status=SittingStatus.USED, used_at=now, used_by_attempt=attempt
    )
    if consumed != 1:
        raise NoSittingAvailable()


def _check_language(*, quiz: Quiz, language: str) -> None:
    """Refuses an exam language the quiz does not offer, or one with a question a draw could
    include that is not fully translated (the admin form checks the same when staff save)."""
    if language == settings.LANGUAGE_CODE:
        return
    if language not in languages.language_names() or language not in (quiz.languages or []):
        raise LanguageNotOffered()
    if languages.untranslated_items(quiz=quiz, language=language):
        raise LanguageNotOffered(
            _("This quiz cannot be taken in %(language)s at the moment: choose another language.")
            % {"language": languages.language_name(language)}
        )


def attempt_start(
    *,
    user,
    quiz: Quiz,
    now: datetime.datetime | None = None,
    seed: int | None = None,
    origin: str = "",
    language: str | None = None,
) -> Attempt:
    """Starts an attempt, or returns the user's attempt in progress (the clock never resets).

    ``language`` (default: ``settings.LANGUAGE_CODE``) is the exam language the candidate
    chose: it must be one the quiz offers and fully translated (``languages``), else
    LanguageNotOffered. The draw does not depend on it; the snapshots are taken in it.

    Refuses, for the reason ``selectors.start_availability`` gives, when the quiz is closed,
    the attempt limit is reached, the delay between attempts has not passed, or a paid
    sitting is required and none is available (one is consumed). ``origin`` is where the
    learner opened the quiz (``courses.quiz.origins``); it is kept only when it names a
    place that uses this quiz.
    """
    now = now or timezone.now()
    language = language or settings.LANGUAGE_CODE
    # The draw and the display order come from the OS's randomness; ``seed`` is for tests.
    rng = random.Random(seed) if seed is not None else random.SystemRandom()
    current = _running_attempt(user=user, quiz=quiz, now=now)
    if current is not None:
        return current
    with transaction.atomic():
        _lock_user(user)
        used = _check_start_allowed(user=user, quiz=quiz, now=now)
        _check_language(quiz=quiz, language=language)
        sitting = _reserve_sitting(user=user, quiz=quiz)
        drawn = _draw_questions(quiz, rng)
        if quiz.shuffle_questions:
            rng.shuffle(drawn)
        per_page = quiz.questions_per_page or len(drawn)
        attempt = _create_attempt(
            user=user,
            quiz=quiz,
            number=used + 1,
            now=now,
            drawn=drawn,
            per_page=per_page,
            origin=origin if origins.resolve(quiz=quiz, origin=origin) else "",
            language=language,
        )
        _create_responses(attempt=attempt, drawn=drawn, per_page=per_page, rng=rng)
        if sitting is not None:
            _consume_sitting(sitting=sitting, attempt=attempt, now=now)
        log_event(
            action="quiz.attempt.started",
            user=user,
            quiz=quiz,
            attempt=attempt,
            deadline=attempt.deadline.isoformat() if attempt.deadline else None,
            sitting=sitting.pk if sitting else None,
            language=language,
        )
    return attempt


# --- paid exam sittings ------------------------------------------------------------------


def sitting_grant(*, user, quiz: Quiz, source: str, assigned_by=None) -> ExamSitting:
    """Gives the user one sitting of the exam (bought, or assigned by staff)."""
    with transaction.atomic():
        sitting = ExamSitting.objects.create(
            user=user, quiz=quiz, source=source, assigned_by=assigned_by
        )
        log_event(
            action="quiz.sitting.granted",
            user=assigned_by,
            quiz=quiz,
            sitting=sitting.pk,
            learner=user.pk,
            source=source,
        )
    return sitting


def sitting_revoke(*, sitting: ExamSitting, reason: str, actor=None) -> None:
    """Withdraws an unused sitting (e.g. on refund). A used one raises SittingAlreadyUsed."""
    with transaction.atomic():
        locked = ExamSitting.objects.select_for_update().get(pk=sitting.pk)
        if locked.status == SittingStatus.USED:
            raise SittingAlreadyUsed()
        if locked.status == SittingStatus.REVOKED:
            return
        now = timezone.now()
        changed = ExamSitting.objects.filter(pk=locked.pk, status=SittingStatus.AVAILABLE).update(
            status=SittingStatus.REVOKED, revoked_at=now, revoked_reason=reason
        )
        if changed != 1:
            raise SittingAlreadyUsed()
        log_event(
            action="quiz.sitting.revoked",
            user=actor,
            quiz=locked.quiz,
            reason=reason,
            sitting=locked.pk,
            learner=locked.user_id,
        )
    sitting.refresh_from_db()
