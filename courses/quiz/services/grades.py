"""Grades of the quiz engine's responses: what an answer earns, stored with it.

Every write of an answer stores its grade in the same write (the start, for the blank
answers; each save), so a submit adds up stored marks (``stored_grades``) instead of
reading and grading every answer again; a response never graded that way is graded at the
submit (``grade_all``). Nobody sees a grade before the attempt's result is released
(``records.result_released``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection

from courses.quiz import grading
from courses.quiz.models import (
    Response,
)


def grade_response(response: Response) -> Response:
    """Sets ``response``'s automatic grade from its frozen question and its stored answer:
    the fraction earned, the mark, and whether a person must mark it (an answered essay).

    Every write of an answer stores its grade with it (at the start, on each save), so a
    submit adds up stored marks instead of reading and grading every answer again
    (tests/perf/RESULTS-exam.md). Nobody sees a grade before the attempt is submitted
    and its result released (``records.result_released``); a response that was never
    graded this way (``fraction`` empty and not waiting for a person) is graded at the
    submit."""
    response.fraction, response.mark, response.needs_marking = grade_of(
        response.snapshot, response.answer, response.max_mark
    )
    return response


def grade_of(
    snapshot: dict[str, Any], answer: Any, max_mark: Decimal
) -> tuple[Decimal | None, Decimal | None, bool]:
    """(fraction, mark, needs marking) of ``answer`` to the question ``snapshot``."""
    fraction = grading.grade(snapshot, answer)
    if fraction is None:
        return None, None, True
    return fraction, (fraction * max_mark).quantize(Decimal("0.01")), False


def stored_grades(attempt_pk: int) -> tuple[Decimal | None, bool]:
    """(the sum of the attempt's stored marks, whether any response waits for a person),
    as every save stored them (``grade_response``); (None, False) when a response was never graded
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


def grade_all(attempt_pk: int) -> tuple[Decimal, bool]:
    """Grades every response of the attempt from its stored answer and stores the grades:
    (the sum of the marks, whether any response waits for a person)."""
    # What grading reads (the display order and tokens are not needed here).
    responses = [
        grade_response(response)
        for response in Response.objects.filter(attempt_id=attempt_pk)
        .order_by()
        .only("pk", "attempt_id", "position", "snapshot", "answer", "max_mark")
    ]
    store_grades(responses)
    marks = sum((r.mark or Decimal("0") for r in responses), Decimal("0"))
    return marks, any(r.needs_marking for r in responses)


def store_grades(responses: list[Response]) -> None:
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
