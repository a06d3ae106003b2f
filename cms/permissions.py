"""Who may read members-only content and record progress. Built on lms.permissions."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from lms.models import User
from lms.permissions import is_member


def can_view_members_only(user: User | AnonymousUser) -> bool:
    """Members of an organisation whose membership is active, and staff."""
    return is_member(user)


def can_view_page(user: User | AnonymousUser, page) -> bool:
    if getattr(page, "is_members_only", False):
        return can_view_members_only(user)
    return True


def can_record_progress(user: User | AnonymousUser, module) -> bool:
    return bool(user.is_authenticated and can_view_page(user, module))
