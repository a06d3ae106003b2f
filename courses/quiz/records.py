"""A learner's attempts as their results and records show them, within the release rules.

Reads only; other apps (the courses dashboard and the learner record) ask these.

Release rules, the same everywhere a result is shown:

- An attempt's score and outcome are *released* when the attempt is final (every essay
  marked) and the quiz's review policy (``selectors.review_options``) shows at least the
  score now. Before that, no score, no outcome.
- A marker's feedback on an essay is released with the score: a marked essay of an
  attempt whose result is not released is only said to be marked. An essay still waiting
  for a marker is said to be awaiting marking whatever the policy (that is a status, not a
  result).
- A hand-given mark per question is shown only where the policy shows per-question
  correctness (never for exams, whose policy shows the score at most).
- Nothing here carries a right answer, a choice's feedback or the question's text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from courses.quiz.models import Attempt, AttemptStatus, Quiz, Response
from courses.quiz.selectors import ReviewOptions, final_attempts, review_options


class EssayState:
    PENDING = "pending"  # waiting for a marker
    MARKED = "marked"  # marked, and the feedback is released
    HELD = "held"  # marked, but the result is not released yet


@dataclass(frozen=True)
class EssayFeedback:
    """One hand-marked question of an attempt, as the learner may see it now."""

    number: int
    state: str
    feedback: str = ""
    mark: Decimal | None = None
    max_mark: Decimal | None = None

    @property
    def is_pending(self) -> bool:
        return self.state == EssayState.PENDING

    @property
    def is_released(self) -> bool:
        return self.state == EssayState.MARKED


@dataclass(frozen=True)
class AttemptRecord:
    """One submitted attempt of a quiz or an exam, as the learner may see it now."""

    attempt_id: int
    quiz: Quiz
    number: int
    status: str
    status_label: str
    is_exam: bool
    submitted_at: datetime.datetime | None
    finalised_at: datetime.datetime | None
    released: bool
    percent: Decimal | None = None
    passed: bool | None = None
    essays: list[EssayFeedback] = field(default_factory=list)

    @property
    def is_pending(self) -> bool:
        """Waiting for a marker."""
        return self.status == AttemptStatus.NEEDS_MARKING

    @property
    def score_visible(self) -> bool:
        return self.released

    @property
    def date(self) -> datetime.date | None:
        moment = self.finalised_at or self.submitted_at
        return timezone.localdate(moment) if moment else None

    @property
    def feedback_count(self) -> int:
        """Marked essays whose feedback (a comment) the learner may read now."""
        return sum(1 for essay in self.essays if essay.is_released and essay.feedback)

    @property
    def essays_pending(self) -> int:
        return sum(1 for essay in self.essays if essay.is_pending)

    @property
    def result_url(self) -> str:
        return reverse("quiz:result", args=[self.attempt_id])


def result_released(*, attempt: Attempt, options: ReviewOptions) -> bool:
    """Whether the attempt's score (and its markers' feedback) may be shown now."""
    return attempt.status == AttemptStatus.FINISHED and options.score


def _hand_marked(responses: Iterable[Response]) -> list[Response]:
    """Responses a person marks or has marked (essays), in question order."""
    return sorted(
        (r for r in responses if r.needs_marking or r.marked_at is not None),
        key=lambda r: r.position,
    )


def _essays(
    attempt: Attempt, options: ReviewOptions, responses: Iterable[Response]
) -> list[EssayFeedback]:
    released = result_released(attempt=attempt, options=options)
    essays = []
    for response in _hand_marked(responses):
        number = response.position + 1
        if response.needs_marking:
            essays.append(EssayFeedback(number=number, state=EssayState.PENDING))
        elif not released:
            essays.append(EssayFeedback(number=number, state=EssayState.HELD))
        else:
            essays.append(
                EssayFeedback(
                    number=number,
                    state=EssayState.MARKED,
                    feedback=response.marker_feedback,
                    mark=response.mark if options.correctness else None,
                    max_mark=response.max_mark if options.correctness else None,
                )
            )
    return essays


def essay_feedback(
    *, attempt: Attempt, options: ReviewOptions | None = None
) -> list[EssayFeedback]:
    """Each hand-marked question of a submitted attempt: awaiting marking, marked with the
    marker's feedback (once released), or marked and held until the result is released.
    Empty for an attempt still in progress."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return []
    options = options or review_options(attempt=attempt)
    responses = attempt.responses.filter(Q(needs_marking=True) | Q(marked_at__isnull=False))
    return _essays(attempt, options, responses)


def _record(attempt: Attempt, responses: list[Response]) -> AttemptRecord:
    options = review_options(attempt=attempt)
    released = result_released(attempt=attempt, options=options)
    return AttemptRecord(
        attempt_id=attempt.pk,
        quiz=attempt.quiz,
        number=attempt.number,
        status=attempt.status,
        status_label=attempt.get_status_display(),
        is_exam=attempt.is_exam or attempt.quiz.is_exam,
        submitted_at=attempt.submitted_at,
        finalised_at=attempt.finalised_at,
        released=released,
        percent=attempt.percent if released else None,
        passed=attempt.passed if released else None,
        essays=_essays(attempt, options, responses),
    )


def attempt_records(*, user, limit: int | None = None) -> list[AttemptRecord]:
    """The user's submitted attempts (waiting for marking or final), newest first, each
    within the release rules; ``limit`` keeps the newest few. Two queries, whatever the
    number of attempts."""
    if not getattr(user, "is_authenticated", False):
        return []
    attempts = (
        Attempt.objects.filter(user=user)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .select_related("quiz")
        .order_by(F("submitted_at").desc(nulls_last=True), "-pk")
    )
    if limit is not None:
        attempts = attempts[:limit]
    attempts = list(attempts)
    by_attempt: dict[int, list[Response]] = {a.pk: [] for a in attempts}
    if attempts:
        marked = Response.objects.filter(attempt__in=attempts).filter(
            Q(needs_marking=True) | Q(marked_at__isnull=False)
        )
        fields = ("attempt", "position", "needs_marking", "marked_at", "marker_feedback")
        for response in marked.only(*fields, "mark", "max_mark"):
            by_attempt[response.attempt_id].append(response)
    return [_record(attempt, by_attempt[attempt.pk]) for attempt in attempts]


def latest_passes(*, user) -> dict[int, datetime.date]:
    """For each quiz the user has passed, the date of the latest passing final attempt
    (``quiz_id -> date``): ``selectors.passed_on`` for every quiz at once, in one query."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = (
        final_attempts(user=user)
        .filter(percent__gte=F("quiz__pass_mark"))
        .values("quiz_id")
        .annotate(last=Max("finalised_at"))
        .order_by()
    )
    return {row["quiz_id"]: timezone.localdate(row["last"]) for row in rows}
