"""Who saw what: staff looking at other people's personal data leave a trace.

The views that show one person's personal files or exam answers to someone else call
:func:`record_access` once, after their permission check and before they answer:

==========================  ==============================================================
kind                        where
==========================  ==============================================================
``evidence_file``           an auditor's evidence (CV, certificates) downloaded by a
                            reviewer (``accreditation.views.auditor.evidence_file``)
``submission_file``         an assignment submission opened by a marker: its marking page
                            (``courses.admin_views.mark_submission``) or its file
                            (``courses.views.submission_file``)
``attempt``                 someone's exam or quiz attempt opened by staff: the essay
                            marking page (``courses.quiz.admin_views.mark_essay``) and the
                            attempt's page in the admin (``Quiz engine → Attempts``)
(a data export)             nothing: it is served to its owner only
==========================  ==============================================================

A look at one's own data is not recorded. Each call is one INSERT (no read), so it costs
a page nothing noticeable. The rows are read by the data-protection officer (the group
"Data protection officer", permission ``privacy.view_personaldataaccess``) in the admin's
Reports → Personal data access (``lms.privacy.access_report``). They are a log, not a
decision: written on GET by design, and listed in ``tests/test_reads_never_write.py``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from lms.privacy.models import AccessKind, PersonalDataAccess

#: The group of the data-protection officer (made by migration privacy 0003).
DPO_GROUP = "Data protection officer"
#: The permission that shows the report.
VIEW_PERMISSION = "privacy.view_personaldataaccess"

__all__ = ["DPO_GROUP", "VIEW_PERMISSION", "AccessKind", "can_view_access_log", "record_access"]


def _pk(owner) -> int | None:
    if owner is None:
        return None
    return owner if isinstance(owner, int) else owner.pk


def record_access(
    request: HttpRequest, obj: models.Model, owner, kind: str
) -> PersonalDataAccess | None:
    """Records that the person signed in on ``request`` looked at ``obj``, which holds
    personal data of ``owner`` (a user or a user id), and returns the row; records nothing
    (and returns None) when they look at their own data, or nobody is signed in.

    Call it after the view's permission check, only when the data is really shown."""
    viewer = getattr(request, "user", None)
    owner_id = _pk(owner)
    if viewer is None or not viewer.is_authenticated or owner_id is None:
        return None
    if owner_id == viewer.pk:
        return None
    return PersonalDataAccess.objects.create(
        viewer_id=viewer.pk,
        owner_id=owner_id,
        kind=kind,
        content_type=ContentType.objects.get_for_model(obj),  # cached after the first call
        object_id=str(obj.pk),
        path=request.get_full_path()[:300],
    )


def can_view_access_log(user) -> bool:
    """The data-protection officer (or a superuser)."""
    return bool(user.is_authenticated and user.has_perm(VIEW_PERMISSION))
