"""What waits for the secretariat in the courses app, for the admin dashboard and the daily
digest (``lms.work_queues``, hook ``staff_work_queues``, registered in ``wagtail_hooks``):
assignment submissions waiting for marking, for staff who mark them. One aggregate query."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from courses import permissions, selectors
from lms.work_queues import QueueItem

APP = "courses"


def submissions_to_mark() -> QueueItem:
    waiting = selectors.submissions_to_mark().aggregate(
        count=Count("pk"), oldest=Min("submitted_at")
    )
    return QueueItem(
        label=_("Assignment submissions to mark"),
        count=waiting["count"],
        oldest=waiting["oldest"],
        url=reverse("courses_admin:marking_queue"),
        app=APP,
    )


def staff_work_queues(user) -> list[QueueItem]:
    """The courses queues ``user`` may act on."""
    if permissions.can_mark_submissions(user):
        return [submissions_to_mark()]
    return []
