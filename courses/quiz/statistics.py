"""Item statistics of a quiz for staff, as Moodle's quiz statistics report defines them.

Computed from every finished (fully graded) attempt, Moodle's default "all graded
attempts". Per question:

* facility index = mean mark on the item / the item's maximum mark, as a percentage;
* discrimination index = Pearson correlation between the mark on the item and the mark on
  the rest of the test (total minus this item), as a percentage. It needs at least two
  attempts with some spread; otherwise it is empty.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from courses.quiz.models import Attempt, AttemptStatus, Quiz, Response

TWO = Decimal("0.01")


@dataclass
class ItemStatistics:
    question_id: int | None
    name: str
    qtype: str
    attempts: int
    mean_mark: Decimal
    max_mark: Decimal
    facility: Decimal | None
    discrimination: Decimal | None


@dataclass
class QuizStatistics:
    attempts: int
    mean_percent: Decimal | None
    pass_rate: Decimal | None
    items: list[ItemStatistics] = field(default_factory=list)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def quiz_statistics(*, quiz: Quiz) -> QuizStatistics:
    attempts = list(
        Attempt.objects.filter(quiz=quiz, status=AttemptStatus.FINISHED).only(
            "pk", "percent", "passed", "marks"
        )
    )
    if not attempts:
        return QuizStatistics(attempts=0, mean_percent=None, pass_rate=None)
    totals = {a.pk: float(a.marks or 0) for a in attempts}
    count = len(attempts)
    mean_percent = (sum((a.percent or Decimal(0)) for a in attempts) / count).quantize(TWO)
    pass_rate = (Decimal(sum(1 for a in attempts if a.passed)) * 100 / count).quantize(TWO)

    per_item: dict[object, list[tuple[int, float, float]]] = defaultdict(list)
    labels: dict[object, tuple[int | None, str, str]] = {}
    order: list[object] = []
    responses = Response.objects.filter(attempt_id__in=totals).only(
        "attempt_id", "snapshot", "mark", "max_mark", "position"
    )
    for response in responses.order_by("position", "attempt_id"):
        snapshot = response.snapshot
        key = snapshot.get("question_id") or ("name", snapshot.get("name"))
        if key not in labels:
            labels[key] = (snapshot.get("question_id"), snapshot.get("name", ""), snapshot["qtype"])
            order.append(key)
        per_item[key].append(
            (response.attempt_id, float(response.mark or 0), float(response.max_mark or 0))
        )

    items = []
    for key in order:
        rows = per_item[key]
        marks = [mark for _a, mark, _m in rows]
        rest = [totals[attempt] - mark for attempt, mark, _m in rows]
        max_mark = max(m for _a, _x, m in rows)
        mean = sum(marks) / len(marks)
        r = pearson(marks, rest)
        question_id, name, qtype = labels[key]
        items.append(
            ItemStatistics(
                question_id=question_id,
                name=name,
                qtype=qtype,
                attempts=len(rows),
                mean_mark=Decimal(str(mean)).quantize(TWO),
                max_mark=Decimal(str(max_mark)).quantize(TWO),
                facility=Decimal(str(mean / max_mark * 100)).quantize(TWO) if max_mark else None,
                discrimination=None if r is None else Decimal(str(r * 100)).quantize(TWO),
            )
        )
    return QuizStatistics(
        attempts=count, mean_percent=mean_percent, pass_rate=pass_rate, items=items
    )
