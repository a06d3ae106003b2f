"""What waits for the secretariat in the quiz engine, for the admin dashboard and the daily
digest (``lms.work_queues``, hook ``staff_work_queues``, registered in ``wagtail_hooks``):
essay answers waiting for a person to mark them, for staff who mark essays. One aggregate
query."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.quiz import permissions, selectors
from lms.work_queues import QueueItem

APP = "quiz"


def essays_to_mark() -> QueueItem:
    waiting = selectors.marking_queue().aggregate(
        count=Count("pk"), oldest=Min("attempt__submitted_at")
    )
    return QueueItem(
        label=_("Essays to mark"),
        count=waiting["count"],
        oldest=waiting["oldest"],
        url=reverse("quiz_admin:marking"),
        app=APP,
    )


def staff_work_queues(user) -> list[QueueItem]:
    """The quiz engine's queues ``user`` may act on."""
    if permissions.can_mark_essays(user):
        return [essays_to_mark()]
    return []
