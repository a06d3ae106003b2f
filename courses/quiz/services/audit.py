"""The quiz engine's entries in the one audit log (``lms.audit``).

Action codes are namespaced ``quiz.<thing>.<event>`` (``quiz.attempt.started``,
``quiz.essay.marked``, ``quiz.sitting.revoked``, ...) and registered, with their labels,
in ``courses/quiz/wagtail_hooks.py``. An entry is about the attempt when there is one, else
the quiz, else the object given (the question bank of an import); its data keeps the quiz
and attempt ids next to the event's own facts, so ``selectors.log_entries`` finds every
entry that names a quiz. Staff read them in the admin's Reports › Site history.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.models import ModelLogEntry

from courses.quiz.models import Attempt, Quiz
from lms import audit


def log_event(
    *,
    action: str,
    user=None,
    quiz: Quiz | None = None,
    attempt: Attempt | None = None,
    instance: models.Model | None = None,
    reason: str = "",
    **facts: Any,
) -> ModelLogEntry:
    """Writes one audit entry of the quiz engine. ``user`` is who acted (None: the system,
    e.g. the overdue sweep); ``facts`` must be JSON-serialisable."""
    subject = attempt or quiz or instance
    if subject is None:
        raise ValueError("A quiz audit entry needs an attempt, a quiz or an instance.")
    quiz_id = quiz.pk if quiz is not None else (attempt.quiz_id if attempt is not None else None)
    data = {"quiz": quiz_id, "attempt": attempt.pk if attempt is not None else None, **facts}
    return audit.record(action, instance=subject, user=user, reason=reason, data=data)
