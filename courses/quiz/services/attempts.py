"""Writes of the quiz engine: attempts (start, save, submit, time-out), marking, sittings.

Every service checks state, writes inside ``transaction.atomic()``, and writes one entry in
the audit log (``services.audit.log_event``, ``quiz.*`` actions) saying who did what.
Concurrency: starting locks the user's row (``select_for_update``, effective on PostgreSQL)
and relies on unique constraints everywhere; status moves are compare-and-set updates, so
two requests racing for the same move produce exactly one result.
"""

from __future__ import annotations

import datetime
import logging
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from courses.quiz import grading, languages, origins, selectors, tokens
from courses.quiz.exceptions import (
    AlreadyMarked,
    AttemptClosed,
    AttemptDelayNotElapsed,
    AttemptLimitReached,
    DeadlinePassed,
    InvalidAnswer,
    LanguageNotOffered,
    NoSittingAvailable,
    QuizError,
    QuizMisconfigured,
    QuizNotAvailable,
    SittingAlreadyUsed,
    StaleAnswer,
    StartRefused,
)
from courses.quiz.models import (
    TRANSITIONS,
    Attempt,
    AttemptStatus,
    ExamSitting,
    Question,
    QuestionType,
    Quiz,
    Response,
    SittingStatus,
)
from lms import audit

from .audit import log_event

HUNDRED = Decimal("100")
logger = logging.getLogger(__name__)


def _grade(response: Response) -> Response:
    """Sets ``response``'s automatic grade from its frozen question and its stored answer:
    the fraction earned, the mark, and whether a person must mark it (an answered essay).

    Every write of an answer stores its grade with it (at the start, on each save), so a
    submit adds up stored marks instead of reading and grading every answer again
    (tests/perf/RESULTS-exam.md). Nobody sees a grade before the attempt is submitted
    and its result released (``records.result_released``); a response that was never
    graded this way (``fraction`` empty and not waiting for a person) is graded at the
    submit."""
    response.fraction, response.mark, response.needs_marking = _grade_of(
        response.snapshot, response.answer, response.max_mark
    )
    return response


def _grade_of(
    snapshot: dict[str, Any], answer: Any, max_mark: Decimal
) -> tuple[Decimal | None, Decimal | None, bool]:
    """(fraction, mark, needs marking) of ``answer`` to the question ``snapshot``."""
    fraction = grading.grade(snapshot, answer)
    if fraction is None:
        return None, None, True
    return fraction, (fraction * max_mark).quantize(Decimal("0.01")), False


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
        _grade(responses[-1])  # what a blank answer earns
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


# --- answering ---------------------------------------------------------------------------


def attempt_save_answer(
    *,
    attempt: Attempt,
    position: int,
    answer: dict[str, Any],
    version: int,
    now: datetime.datetime | None = None,
    response: Response | None = None,
) -> Response:
    """Stores one answer. ``version`` is the response version the form was built from: an
    older one (old tab, replayed request) is refused and nothing is overwritten. After the
    deadline nothing is stored and the attempt is submitted.

    ``answer`` is in the bank's terms (``grading.normalise_answer``): what a learner's page
    sends must first go through ``presenters.answer_from_post``, which reads the attempt's
    opaque tokens. An answer that does not fit the question (too long, an unusable number,
    no such choice) raises InvalidAnswer with a message for the learner.

    ``response`` is the attempt's response at ``position`` when the caller has already read
    it (its snapshot never changes, and the version check happens in the UPDATE itself);
    without it, it is read here. The attempt's row lock is what makes a save acknowledged
    here part of the grading of a concurrent submit, which takes the same lock.

    On PostgreSQL the lock and the write are one statement (``_store_answer_locked``); a
    save that stores nothing is then told why by a second read. Elsewhere (SQLite, whose
    writers take turns anyway) they are two statements in a transaction."""
    now = now or timezone.now()
    if response is not None and (
        response.attempt_id != attempt.pk or response.position != position
    ):
        raise ValueError("response is not the attempt's response at this position")
    if connection.features.has_select_for_update:
        if response is None:
            response = _response_at(attempt, position)
        stored = grading.normalise_answer(response.snapshot, answer)
        grade = _grade_of(response.snapshot, stored, response.max_mark)
        if not _store_answer_locked(
            attempt_pk=attempt.pk,
            response_pk=response.pk,
            version=version,
            stored=stored,
            grade=grade,
            now=now,
        ):
            _refuse_save(attempt=attempt, response=response, now=now)
    else:
        overdue = False
        with transaction.atomic():
            status, deadline = (
                Attempt.objects.select_for_update()
                .filter(pk=attempt.pk)
                .values_list("status", "deadline")
                .get()
            )
            if status != AttemptStatus.IN_PROGRESS:
                raise AttemptClosed()
            if deadline is not None and now >= deadline:
                overdue = True
            else:
                if response is None:
                    response = _response_at(attempt, position)
                stored = grading.normalise_answer(response.snapshot, answer)
                grade = _grade_of(response.snapshot, stored, response.max_mark)
                changed = Response.objects.filter(pk=response.pk, version=version).update(
                    answer=stored,
                    fraction=grade[0],
                    mark=grade[1],
                    needs_marking=grade[2],
                    version=F("version") + 1,
                    saved_at=now,
                )
                if changed != 1:
                    raise StaleAnswer(current_version=_current_version(response))
        if overdue:
            attempt_submit(attempt=attempt, now=now, auto=True)
            raise DeadlinePassed()
    # What the UPDATE wrote (it matched ``version``), without reading it back.
    response.answer = stored
    response.fraction, response.mark, response.needs_marking = grade
    response.version = version + 1
    response.saved_at = now
    return response


def _response_at(attempt: Attempt, position: int) -> Response:
    try:
        return Response.objects.get(attempt_id=attempt.pk, position=position)
    except Response.DoesNotExist as exc:
        raise InvalidAnswer() from exc


def _current_version(response: Response) -> int:
    return Response.objects.filter(pk=response.pk).values_list("version", flat=True).get()


def _store_answer_locked(
    *,
    attempt_pk: int,
    response_pk: int,
    version: int,
    stored: Any,
    grade: tuple[Decimal | None, Decimal | None, bool],
    now: datetime.datetime,
) -> bool:
    """PostgreSQL: in one statement, takes the attempt's row lock (``FOR UPDATE``, as a
    submit does) if it is still in progress before its deadline, and stores the answer
    with its ``grade`` (fraction, mark, needs marking) if the response is still at
    ``version``. True when it stored it.

    The lock is taken before the response is written and held until the statement
    commits: a submit holding it makes this wait, then find the attempt closed and store
    nothing; a save holding it makes the submit wait and grade this answer. The same
    guarantee as a transaction of "lock, then update", in one round trip instead of four
    (BEGIN, SELECT ... FOR UPDATE, UPDATE, COMMIT): the save is the exam's most frequent
    request (tests/perf/RESULTS-exam.md)."""
    quote = connection.ops.quote_name
    attempt_meta, response_meta = Attempt._meta, Response._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    sql = (
        f"WITH locked AS (SELECT {column(attempt_meta, 'id')} FROM {quote(attempt_meta.db_table)}"  # noqa: S608
        f" WHERE {column(attempt_meta, 'id')} = %s AND {column(attempt_meta, 'status')} = %s"
        f" AND ({column(attempt_meta, 'deadline')} IS NULL"
        f" OR {column(attempt_meta, 'deadline')} > %s) FOR UPDATE)"
        f" UPDATE {quote(response_meta.db_table)} SET {column(response_meta, 'answer')} = %s,"
        f" {column(response_meta, 'fraction')} = CAST(%s AS NUMERIC),"
        f" {column(response_meta, 'mark')} = CAST(%s AS NUMERIC),"
        f" {column(response_meta, 'needs_marking')} = %s,"
        f" {column(response_meta, 'version')} = {column(response_meta, 'version')} + 1,"
        f" {column(response_meta, 'saved_at')} = %s"
        f" WHERE {column(response_meta, 'id')} = %s AND {column(response_meta, 'version')} = %s"
        f" AND {column(response_meta, 'attempt')} IN (SELECT {column(attempt_meta, 'id')}"
        " FROM locked)"
    )
    values = [
        response_meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in zip(
            ("answer", "fraction", "mark", "needs_marking"), (stored, *grade), strict=True
        )
    ]
    params = [attempt_pk, AttemptStatus.IN_PROGRESS.value, now, *values, now, response_pk, version]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _refuse_save(*, attempt: Attempt, response: Response, now: datetime.datetime) -> None:
    """Why a save stored nothing: the attempt is closed, its time is up (it is submitted
    now), or the form was out of date. Always raises."""
    status, deadline = Attempt.objects.filter(pk=attempt.pk).values_list("status", "deadline").get()
    if status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed()
    if deadline is not None and now >= deadline:
        attempt_submit(attempt=attempt, now=now, auto=True)
        raise DeadlinePassed()
    raise StaleAnswer(current_version=_current_version(response))


def attempt_flag(*, attempt: Attempt, position: int, flagged: bool) -> None:
    """Marks a question for the learner's own later review (no effect on grading)."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed()
    Response.objects.filter(attempt=attempt, position=position).update(flagged=flagged)


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


def _stored_grades(attempt_pk: int) -> tuple[Decimal | None, bool]:
    """(the sum of the attempt's stored marks, whether any response waits for a person),
    as every save stored them (``_grade``); (None, False) when a response was never graded
    (written before grades were stored with answers)."""
    # One statement, written out: the ORM's ``aggregate()`` cost four times the query itself
    # in Python on the exam's submit (tests/perf/RESULTS-exam.md).
    quote = connection.ops.quote_name
    meta = Response._meta

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    marks, needs, fraction = column("mark"), column("needs_marking"), column("fraction")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM({marks}), SUM(CASE WHEN {needs} THEN 1 ELSE 0 END),"  # noqa: S608
            f" SUM(CASE WHEN {fraction} IS NULL AND NOT {needs} THEN 1 ELSE 0 END)"
            f" FROM {quote(meta.db_table)} WHERE {column('attempt')} = %s",
            [attempt_pk],
        )
        total, waiting, ungraded = cursor.fetchone()
    if ungraded:
        return None, False
    # PostgreSQL sums numerics exactly; SQLite sums them as floats: back to cents.
    return Decimal(str(total or 0)).quantize(Decimal("0.01")), bool(waiting)


def _grade_all(attempt_pk: int) -> tuple[Decimal, bool]:
    """Grades every response of the attempt from its stored answer and stores the grades:
    (the sum of the marks, whether any response waits for a person)."""
    # What grading reads (the display order and tokens are not needed here).
    responses = [
        _grade(response)
        for response in Response.objects.filter(attempt_id=attempt_pk)
        .order_by()
        .only("pk", "attempt_id", "position", "snapshot", "answer", "max_mark")
    ]
    _store_grades(responses)
    marks = sum((r.mark or Decimal("0") for r in responses), Decimal("0"))
    return marks, any(r.needs_marking for r in responses)


def _store_grades(responses: list[Response]) -> None:
    """Writes every response's fraction, mark and "needs marking" in one UPDATE.

    ``bulk_update`` builds one ``CASE WHEN`` expression per row and field through the ORM,
    which cost a submit of 12 questions about 25 ms of Python (tests/perf/RESULTS-exam.md);
    this is the same statement, written directly. Values go through each field's own
    ``get_db_prep_save``, so they are stored exactly as ``save()`` would store them."""
    if not responses:
        return
    meta = Response._meta
    quote = connection.ops.quote_name
    pk = quote(meta.pk.column)
    assignments: list[str] = []
    params: list[Any] = []
    for name, cast in (("fraction", True), ("mark", True), ("needs_marking", False)):
        model_field = meta.get_field(name)
        value_sql = "CAST(%s AS NUMERIC)" if cast else "%s"
        cases = []
        for response in responses:
            cases.append(f"WHEN %s THEN {value_sql}")
            params += [
                response.pk,
                model_field.get_db_prep_save(getattr(response, name), connection),
            ]
        assignments.append(f"{quote(model_field.column)} = CASE {pk} {' '.join(cases)} END")
    placeholders = ", ".join(["%s"] * len(responses))
    params += [response.pk for response in responses]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)}"  # noqa: S608
            f" WHERE {pk} IN ({placeholders})",
            params,
        )


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
    True when this call moved it. The statement is written out (as ``_store_grades``):
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
            marks, waiting = _stored_grades(locked.pk)
            if marks is None:  # a response never graded: grade them all now
                marks, waiting = _grade_all(locked.pk)
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
            _finalise(attempt, _stored_grades(attempt.pk)[0] or Decimal("0"), now=now)
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
