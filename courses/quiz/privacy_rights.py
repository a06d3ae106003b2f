"""The quiz engine's part of the retention schedule (``lms.privacy.retention``) and of
erasure (``lms.privacy.erasure``, at the end of this module).

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
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.quiz.models import Attempt, AttemptStatus, QuestionType, Response
from courses.quiz.presenters import question_view
from courses.quiz.records import result_released
from courses.quiz.selectors import review_options
from lms import audit
from lms.privacy.erasure import ErasurePart, PlanLine, count_label
from lms.privacy.export import by_whom, log_entries_about
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


# --- erasure (``lms.privacy.erasure``) ----------------------------------------------------


def _typed_responses(user):
    return Response.objects.filter(attempt__user=user, snapshot__qtype__in=FREE_TEXT_TYPES).filter(
        (Q(answer__has_key="text") & ~Q(answer__has_key="erased")) | ~Q(marker_feedback="")
    )


def erasure_part(user):
    """The person's typed answers (essays, short answers) and the markers' feedback on them
    are erased, as the retention rule does; attempts, marks and results are kept so that
    results and item statistics keep their numbers."""
    attempts = Attempt.objects.filter(user=user).count()
    if not attempts:
        return None
    typed = _typed_responses(user).count()
    return ErasurePart(
        code="quiz",
        title=str(_("Quizzes and exams")),
        erased=[
            PlanLine(
                count_label(
                    typed,
                    _("%(count)s typed answer and its feedback"),
                    _("%(count)s typed answers and their feedback"),
                )
            )
        ],
        kept=[
            PlanLine(
                count_label(
                    attempts,
                    _("%(count)s attempt with its marks and result"),
                    _("%(count)s attempts with their marks and results"),
                ),
                _(
                    "Results count for accreditation decisions that are kept, and item "
                    "statistics keep their numbers."
                ),
            )
        ],
        erase=erase,
    )


def erase(user, pseudonym: str) -> dict[str, int]:
    typed = Response.objects.filter(pk__in=_typed_responses(user).values("pk"))
    # An attempt still running keeps no grade of the erased text: its submit grades what
    # is stored then (an erased answer), as for a response never graded.
    typed.filter(attempt__status=AttemptStatus.IN_PROGRESS).update(
        fraction=None, mark=None, needs_marking=False
    )
    erased = typed.update(answer=ERASED, marker_feedback="")
    return {"typed_answers": erased}


hooks.register("privacy_erasure", erasure_part)


# --- "Download my data" (``lms.privacy.export``, the ``privacy_export`` hook) ---------------
#
# Every attempt with the answers the person gave (as text: the choices they picked, what
# they typed), and as much of the result as the attempt's review policy lets them see on
# the result page now (``selectors.review_options``): for an exam, the score and the
# markers' feedback once released, never which answer was right. The attempt's audit
# entries (started, submitted, marked) say who acted as you, staff or system.


def _plain(html: str) -> str:
    return strip_tags(str(html)).strip()


def _response_data(response: Response, options, released: bool) -> dict:
    view = question_view(response)
    data = {
        "question": view.number,
        "text": _plain(view.text),
        "your_answer": [_plain(given) for given in view.given]
        if view.given
        else (view.text_value or None),
        "saved_at": response.saved_at,
    }
    if released and options.correctness:
        data["mark"] = response.mark
        data["max_mark"] = response.max_mark
    if released and response.marked_at is not None:
        data["marker_feedback"] = response.marker_feedback
        data["marked_by"] = by_whom(response.marked_by_id, response.attempt.user)
    return data


def export_part(user) -> dict:
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("quiz", "user")
        .prefetch_related("responses")
        .order_by("started_at", "pk")
    )
    out = []
    for attempt in attempts:
        options = review_options(attempt=attempt)
        released = result_released(attempt=attempt, options=options)
        item = {
            "quiz": attempt.quiz.title,
            "exam": attempt.is_exam,
            "number": attempt.number,
            "status": attempt.get_status_display(),
            "started_at": attempt.started_at,
            "deadline": attempt.deadline,
            "submitted_at": attempt.submitted_at,
            "submitted_when_time_ran_out": attempt.auto_submitted,
            "result_final_at": attempt.finalised_at,
            "answers": [
                _response_data(response, options, released)
                for response in sorted(attempt.responses.all(), key=lambda r: r.position)
            ],
            "events": log_entries_about(user, [attempt]),
        }
        if released:
            item.update({"score_percent": attempt.percent, "passed": attempt.passed})
        else:
            item["result"] = "not released yet" if attempt.finalised_at is None else "not shown"
        out.append(item)
    return {"quiz_attempts": out}


hooks.register("privacy_export", export_part, order=30)
