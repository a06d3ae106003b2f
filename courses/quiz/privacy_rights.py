"""The quiz engine's part of the retention schedule (``lms.privacy.retention``).

What a person typed in an attempt (essay and short answers) and the marker's feedback on
it are erased ``PRIVACY_ATTEMPT_TEXT_YEARS`` (6) years after the attempt was submitted.
The attempt, its marks, its result and the choices made stay: results and item
statistics keep their numbers. An erased answer keeps its shape (``{"text": "",
"erased": true}``) so that pages show it as erased, not as a crash. Registered through the
``privacy_retention_rules`` hook; imported from ``courses/quiz/wagtail_hooks.py``.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.quiz.models import Attempt, AttemptStatus, QuestionType, Response
from lms import audit
from lms.privacy.retention import Outcome, RetentionRule, setting, years_before

FREE_TEXT_TYPES = [QuestionType.ESSAY, QuestionType.SHORT_ANSWER]
ERASED = {"text": "", "erased": True}


def _due_responses(now: datetime.datetime):
    years = setting("PRIVACY_ATTEMPT_TEXT_YEARS", 6)
    cutoff_day = years_before(timezone.localdate(now), years)
    cutoff = timezone.make_aware(datetime.datetime.combine(cutoff_day, datetime.time.min))
    responses = (
        Response.objects.filter(
            attempt__status=AttemptStatus.FINISHED,
            attempt__submitted_at__lt=cutoff,
            snapshot__qtype__in=FREE_TEXT_TYPES,
        )
        .filter((Q(answer__has_key="text") & ~Q(answer__has_key="erased")) | ~Q(marker_feedback=""))
        .order_by("attempt_id", "position")
    )
    return cutoff, responses


def attempt_free_text(*, now: datetime.datetime, dry_run: bool) -> Outcome:
    cutoff, responses = _due_responses(now)
    per_attempt = Counter(responses.values_list("attempt_id", flat=True))
    attempt_ids = sorted(per_attempt)
    if dry_run:
        return Outcome(count=len(attempt_ids), noun="attempts' typed answers", cutoff=cutoff)
    Response.objects.filter(pk__in=responses.values("pk")).update(answer=ERASED, marker_feedback="")
    for attempt in Attempt.objects.filter(pk__in=attempt_ids).order_by("pk"):
        audit.record(
            "quiz.attempt.text_erased",
            instance=attempt,
            data={
                "rule": "attempt-free-text",
                "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
                "responses": per_attempt[attempt.pk],
            },
        )
    return Outcome(
        count=len(attempt_ids), noun="attempts' typed answers", cutoff=cutoff, ids=attempt_ids
    )


@hooks.register("privacy_retention_rules")
def quiz_retention_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            "attempt-free-text",
            "Typed answers and marker feedback of old attempts",
            attempt_free_text,
        )
    ]


@hooks.register("register_log_actions")
def register_retention_log_actions(actions):
    actions.register_action(
        "quiz.attempt.text_erased",
        _("Erase typed answers (retention)"),
        _("Typed answers and feedback erased under the retention schedule"),
    )
