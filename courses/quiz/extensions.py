"""How apps above the quiz engine take part in it without the engine importing them.

Two Wagtail hooks (register with ``@hooks.register(name)`` in the higher app's
``wagtail_hooks.py``); the engine's other hooks are ``quiz_attempt_finalised``, described in
``courses/quiz/services/submission.py``, and ``quiz_origin`` (where a quiz was opened from, for
the links back), in ``courses/quiz/origins.py``. ``selectors.start_availability`` asks both of
these before a start, so the quiz page shows what ``attempt_start`` would refuse:

``quiz_start_refusal``
    ``fn(user, quiz) -> str | StartRefusal | None``: why this person may not start the
    quiz (plain words, with links to what to do first if any), or None. Courses registers
    one: an exam that is a lesson of a course is for the people enrolled on that course,
    once the lessons and practice the course asks for first are done. ``attempt_start``
    asks every function, in hook order, and refuses with all the reasons given; the quiz
    page shows them.
``quiz_sitting_offer``
    ``fn(user, quiz) -> SittingOffer | None``: where a paid sitting of an exam can be
    bought. Payments registers one. Asked only for quizzes with ``sitting_fee_required``;
    the first function that answers wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

START_REFUSAL_HOOK = "quiz_start_refusal"
SITTING_OFFER_HOOK = "quiz_sitting_offer"


@dataclass(frozen=True)
class SittingOffer:
    url: str
    label: str  # e.g. "Buy a sitting (EUR 150.00)"
    firm_url: str = ""  # where a firm admin buys sittings for their auditors, if they are one


@dataclass(frozen=True)
class StartRefusal:
    """One app's reason for refusing a start, with what to do first: ``links`` are
    ``(label, url)`` pairs (e.g. the lessons still to do), shown under the message."""

    message: str
    links: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.message


def start_refusals(*, user, quiz) -> list[StartRefusal]:
    """Every reason an app gives for refusing this start (empty: no app objects)."""
    reasons = []
    for refusal in hooks.get_hooks(START_REFUSAL_HOOK):
        reason = refusal(user, quiz)
        if not reason:
            continue
        if not isinstance(reason, StartRefusal):
            reason = StartRefusal(message=str(reason))
        reasons.append(reason)
    return reasons


def sitting_offer(*, user, quiz) -> SittingOffer | None:
    """Where ``user`` can buy a sitting of ``quiz`` (None: not sold, or no fee needed)."""
    if not quiz.sitting_fee_required:
        return None
    for offer in hooks.get_hooks(SITTING_OFFER_HOOK):
        answer = offer(user, quiz)
        if answer is not None:
            return answer
    return None
