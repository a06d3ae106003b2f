"""Who may do what, in one place. Views ask these functions; they never build checks.

Each app keeps its rules in its own ``permissions`` module; a view declares the rule it
needs with the one decorator, ``@required(rule)``, defined here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from lms import roles
from lms.models import User


def required(check: Callable[..., bool]):
    """A view decorator: 403 unless ``check(request.user)`` (one of the rules) holds."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _in_group(user: User | AnonymousUser, group: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_role_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_group_names = cache  # type: ignore[union-attr]
    return group in cache


def is_secretariat(user: User | AnonymousUser) -> bool:
    """Secretariat staff (or a superuser): runs the platform from the Wagtail admin."""
    return bool(user.is_authenticated and (user.is_superuser or _in_group(user, roles.SECRETARIAT)))


def is_member(user: User | AnonymousUser) -> bool:
    """A person whose member organisation's membership is active today (staff count too)."""
    if not user.is_authenticated:
        return False
    if is_secretariat(user):
        return True
    organisation = user.organisation
    return organisation is not None and organisation.membership_active_on()


def is_auditor(user: User | AnonymousUser) -> bool:
    """A person with an auditor profile (the profile lives in the accreditation app)."""
    return bool(
        user.is_authenticated
        and (_in_group(user, roles.AUDITOR) or hasattr(user, "auditor_profile"))
    )


def is_firm_admin(user: User | AnonymousUser) -> bool:
    return _in_group(user, roles.FIRM_ADMIN)


def can_access_admin(user: User | AnonymousUser) -> bool:
    """The Wagtail admin is the back office of the secretariat."""
    return bool(user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def holds_staff_powers(user: User | AnonymousUser) -> bool:
    """Whether this person can do anything a learner cannot: the admin, marking, seeing
    other people's files, exports, orders. Such a session needs the second factor.

    Superusers, ``is_staff``, secretariat staff, and anyone holding any permission at all:
    the learner roles (members, auditors, firm admins) carry no permissions (see
    lms/migrations/0002_role_groups.py), so every permission here is a staff power.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff or is_secretariat(user):
        return True
    cached = getattr(user, "_perm_cache", None)
    if cached is not None:
        return bool(cached)
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).exists()


def has_mfa(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
