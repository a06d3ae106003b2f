"""Writes of the quiz engine: submitting and grading an attempt, marking essays, and the
sweep that submits attempts past their deadline.

A submit takes the attempt's row lock (as every save does), adds up the stored grades
(``grades``), moves the attempt out of "in progress" with a compare-and-set, writes its
audit entries in one INSERT, and announces a final result to the apps above the engine
(the ``quiz_attempt_finalised`` hook) once the transaction has committed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from courses.quiz.exceptions import (
    AlreadyMarked,
    InvalidAnswer,
    QuizError,
)
from courses.quiz.models import (
    TRANSITIONS,
    Attempt,
    AttemptStatus,
    Response,
)
from lms import audit

from .audit import log_event
from .grades import grade_all, stored_grades

HUNDRED = Decimal("100")
logger = logging.getLogger(__name__)


# --- submitting, grading, marking -------------------------------------------------------


def _move(attempt: Attempt, to: str, *, actor=None, now: datetime.datetime) -> None:
    """Moves the attempt along TRANSITIONS (the caller saves it) and logs the move."""
    if to not in TRANSITIONS[attempt.status]:
        raise QuizError(
            _("An attempt cannot move from %(from)s to %(to)s.")
            % {"from": attempt.status, "to": to}
        )
    log_event(
        action=f"quiz.attempt.{to}",
        user=actor,
        quiz=attempt.quiz,
        attempt=attempt,
        **{"from": attempt.status, "to": to},
    )
    attempt.status = to


ATTEMPT_FINALISED_HOOK = "quiz_attempt_finalised"


def _announce_finalised(attempt: Attempt) -> None:
    """Tells the apps above the engine that an attempt's result is final. Each function
    registered with ``@hooks.register("quiz_attempt_finalised")`` is called with
    ``attempt=`` once the grading transaction has committed (courses completes the
    enrolments the pass finishes). A failing hook is logged; the result stands."""
    for hook in hooks.get_hooks(ATTEMPT_FINALISED_HOOK):
        try:
            hook(attempt=attempt)
        except Exception:
            logger.exception(
                "quiz_attempt_finalised hook %r failed for attempt %s", hook, attempt.pk
            )


def _finalise(attempt: Attempt, marks: Decimal, *, now: datetime.datetime) -> None:
    """Sets the attempt's result from the ``marks`` of its graded responses (the caller
    stores it) and announces it once the transaction commits."""
    percent = (
        (marks / attempt.max_marks * HUNDRED).quantize(Decimal("0.01"))
        if attempt.max_marks
        else Decimal("0")
    )
    attempt.marks = marks
    attempt.percent = percent
    attempt.passed = percent >= attempt.pass_mark
    attempt.finalised_at = now
    transaction.on_commit(lambda: _announce_finalised(attempt))


def attempt_submit(
    *, attempt: Attempt, actor=None, now: datetime.datetime | None = None, auto: bool = False
) -> Attempt:
    """Submits and grades an attempt in progress. Submitting an attempt that is already
    submitted changes nothing and returns it (so two racing submits give one result)."""
    return _submit(pk=attempt.pk, actor=actor, now=now or timezone.now(), auto=auto)[0]


def attempt_submit_own(
    *, pk: int, user, now: datetime.datetime | None = None
) -> tuple[Attempt, bool]:
    """The learner's own submit: (the attempt, whether this call submitted it). The owner is
    part of the locked read, so another person's attempt is ``Attempt.DoesNotExist``
    (a 404 for the page) and the attempt is read once."""
    return _submit(pk=pk, owner=user, actor=user, now=now or timezone.now(), auto=False)


_CLOSING_FIELDS = (
    "status",
    "submitted_at",
    "auto_submitted",
    "marks",
    "percent",
    "passed",
    "finalised_at",
)


def _close_in_progress(attempt: Attempt) -> bool:
    """Compare-and-set: stores the attempt's closing fields (status, submission, result)
    only if it is still in progress, so only one request moves it out of "in progress".
    True when this call moved it. The statement is written out (as ``store_grades``):
    the ORM's ``update()`` cost the submit more Python than PostgreSQL took to run it."""
    meta = Attempt._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in _CLOSING_FIELDS]
    params = [f.get_db_prep_save(getattr(attempt, f.attname), connection) for f in fields]
    status = quote(meta.get_field("status").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)}"  # noqa: S608
            f" SET {', '.join(f'{quote(f.column)} = %s' for f in fields)}"
            f" WHERE {quote(meta.pk.column)} = %s AND {status} = %s",
            [*params, attempt.pk, AttemptStatus.IN_PROGRESS.value],
        )
        return cursor.rowcount == 1


class _LostRace(Exception):
    """Another request moved the attempt out of "in progress" between our read and our
    write (only where the row lock is not enforced, i.e. SQLite): roll back, report it."""


def _submit(
    *, pk: int, actor, now: datetime.datetime, auto: bool, owner=None
) -> tuple[Attempt, bool]:
    """Grades and closes attempt ``pk`` under its row lock, in one transaction; ``owner``
    (when given) must own it. (attempt, whether this call submitted it)."""
    attempts = Attempt.objects.select_for_update(of=("self",))
    if owner is not None:  # the owner is at hand: read the attempt only if it is theirs
        attempts = attempts.select_related("quiz").filter(user=owner)
    else:
        attempts = attempts.select_related("quiz", "user")
    try:
        with transaction.atomic(), audit.batched():
            locked = attempts.get(pk=pk)
            if owner is not None:
                locked.user = owner
            if locked.status != AttemptStatus.IN_PROGRESS:
                return locked, False
            submitted_at = now
            if auto and locked.deadline and locked.deadline < now:
                submitted_at = locked.deadline
            # Read after the lock: a save acknowledged before it is in these totals.
            marks, waiting = stored_grades(locked.pk)
            if marks is None:  # a response never graded: grade them all now
                marks, waiting = grade_all(locked.pk)
            target = AttemptStatus.NEEDS_MARKING if waiting else AttemptStatus.FINISHED
            actor = None if auto else (actor or locked.user)
            _move(locked, target, actor=actor, now=now)
            locked.submitted_at = submitted_at
            locked.auto_submitted = auto
            if target == AttemptStatus.FINISHED:
                _finalise(locked, marks, now=submitted_at)
            if not _close_in_progress(locked):
                raise _LostRace
            log_event(
                action="quiz.attempt.auto_submitted" if auto else "quiz.attempt.submitted",
                user=actor,
                quiz=locked.quiz,
                attempt=locked,
            )
    except _LostRace:
        return Attempt.objects.select_related("quiz").get(pk=pk), False
    return locked, True


def essay_mark(
    *,
    response: Response,
    marker,
    fraction: Decimal | None = None,
    score: Decimal | None = None,
    feedback: str = "",
    now: datetime.datetime | None = None,
) -> Response:
    """Records a person's mark for an essay (``fraction`` 0-1, or ``score`` in marks).
    When the last essay of the attempt is marked, the attempt's result becomes final."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update().select_related("quiz").get(pk=response.attempt_id)
        )
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if not locked.needs_marking or attempt.status != AttemptStatus.NEEDS_MARKING:
            raise AlreadyMarked()
        if fraction is None:
            if score is None:
                raise InvalidAnswer(_("Give a mark."))
            fraction = Decimal(score) / locked.max_mark if locked.max_mark else Decimal("0")
        fraction = Decimal(fraction)
        if not Decimal("0") <= fraction <= Decimal("1"):
            raise InvalidAnswer(_("The mark must be between 0 and the question's maximum."))
        locked.fraction = fraction.quantize(Decimal("0.0000001"))
        locked.mark = (fraction * locked.max_mark).quantize(Decimal("0.01"))
        locked.needs_marking = False
        locked.marker_feedback = feedback
        locked.marked_by = marker
        locked.marked_at = now
        locked.save(
            update_fields=[
                "fraction",
                "mark",
                "needs_marking",
                "marker_feedback",
                "marked_by",
                "marked_at",
            ]
        )
        log_event(
            action="quiz.essay.marked",
            user=marker,
            quiz=attempt.quiz,
            attempt=attempt,
            position=locked.position,
            fraction=str(locked.fraction),
            mark=str(locked.mark),
        )
        if not attempt.responses.filter(needs_marking=True).exists():
            _move(attempt, AttemptStatus.FINISHED, actor=marker, now=now)
            _finalise(attempt, stored_grades(attempt.pk)[0] or Decimal("0"), now=now)
            attempt.save(update_fields=["status", "marks", "percent", "passed", "finalised_at"])
    return locked


@dataclass(frozen=True)
class OverdueRun:
    """What one run of the overdue sweep did: how many attempts it submitted, and the ids
    of those it could not submit (each logged with its error; they stay in progress)."""

    closed: int
    failed: list[int] = field(default_factory=list)


def attempts_close_overdue(*, now: datetime.datetime | None = None) -> OverdueRun:
    """Submits every attempt whose deadline has passed, each in its own transaction.

    An attempt that cannot be submitted is rolled back, logged and reported in
    ``OverdueRun.failed``; the sweep carries on with the others. Running it again submits
    nothing more."""
    now = now or timezone.now()
    closed = 0
    failed: list[int] = []
    overdue = Attempt.objects.filter(
        status=AttemptStatus.IN_PROGRESS, deadline__isnull=False, deadline__lte=now
    ).values_list("pk", flat=True)
    for pk in list(overdue.order_by("deadline", "pk")):
        try:
            _attempt, submitted = _submit(pk=pk, actor=None, now=now, auto=True)
        except Exception:  # one bad attempt must not stop the sweep for everyone else
            logger.exception("Could not submit overdue quiz attempt %s", pk)
            failed.append(pk)
            continue
        closed += int(submitted)
    return OverdueRun(closed=closed, failed=failed)
