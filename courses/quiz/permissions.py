"""Who may do what in the quiz engine. Views ask these; they never build checks."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from lms.permissions import can_access_admin


def required(check: Callable[..., bool]):
    """A view decorator: 403 unless ``check`` (one of the rules below) allows the person."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def can_take_quizzes(user) -> bool:
    """Any signed-in person may start a quiz; courses decides which quizzes it offers."""
    return bool(user.is_authenticated)


def can_mark_essays(user) -> bool:
    return bool(can_access_admin(user) and user.has_perm("quiz.change_response"))


def can_see_statistics(user) -> bool:
    return bool(can_access_admin(user) and user.has_perm("quiz.view_attempt"))


def can_import_questions(user) -> bool:
    return bool(can_access_admin(user) and user.has_perm("quiz.add_question"))
