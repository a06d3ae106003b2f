"""Writes of the quiz engine: saving an answer (with its grade) and flagging a question.

A save is the exam's most frequent request: on PostgreSQL the attempt's row lock and the
write are one statement (``_store_answer_locked``), which is what makes an acknowledged save
part of the grading of a concurrent submit (``submission``), which takes the same lock.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from courses.quiz import grading
from courses.quiz.exceptions import (
    AttemptClosed,
    DeadlinePassed,
    InvalidAnswer,
    StaleAnswer,
)
from courses.quiz.models import (
    Attempt,
    AttemptStatus,
    Response,
)

from .grades import grade_of
from .submission import attempt_submit

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
        grade = grade_of(response.snapshot, stored, response.max_mark)
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
                grade = grade_of(response.snapshot, stored, response.max_mark)
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
