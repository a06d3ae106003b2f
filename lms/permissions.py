"""Who may do what, in one place. Views ask these functions; they never build checks.

Each app keeps its rules in its own ``permissions`` module; a view declares the rule it
needs with the one decorator, ``@required(rule)``, defined here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db import connection

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


def _read_role_facts(user: User) -> None:
    """Reads, in one query, the names of the user's groups and whether any permission is
    given to them (directly or through a group), and remembers both on the user object for
    the request: every signed-in request asks both (the second-factor middleware's
    ``holds_staff_powers``), most pages then ask the groups again for the navigation.

    Written in SQL because it runs on every signed-in request: the group names, then one
    NULL row (names are never NULL) when a permission exists. Asking ``Permission`` through
    the ORM joined the whole permission table to both link tables (about 3 ms of
    PostgreSQL), and two ``Exists`` subqueries cost 2.5 ms of query building in Python
    (tests/perf/RESULTS-exam.md)."""
    quote = connection.ops.quote_name
    group = quote(Group._meta.db_table)
    user_groups = quote(User.groups.through._meta.db_table)
    user_permissions = quote(User.user_permissions.through._meta.db_table)
    group_permissions = quote(Group.permissions.through._meta.db_table)
    sql = (
        f"SELECT g.name FROM {group} g JOIN {user_groups} ug ON ug.group_id = g.id"  # noqa: S608
        " WHERE ug.user_id = %s"
        " UNION ALL"
        " SELECT NULL WHERE"
        f" EXISTS (SELECT 1 FROM {user_permissions} up WHERE up.user_id = %s)"
        f" OR EXISTS (SELECT 1 FROM {group_permissions} gp JOIN {user_groups} ug2"
        " ON ug2.group_id = gp.group_id WHERE ug2.user_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, user.pk])
        rows = [name for (name,) in cursor.fetchall()]
    user._role_group_names = {name for name in rows if name is not None}  # type: ignore[attr-defined]
    user._holds_any_permission = None in rows  # type: ignore[attr-defined]


def _in_group(user: User | AnonymousUser, group: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_role_group_names", None)
    if cache is None:
        _read_role_facts(user)
        cache = user._role_group_names  # type: ignore[union-attr]
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
    """The Wagtail admin is the back office of the secretariat.

    Someone known (this request) to hold no permission at all cannot hold this one: the
    answer is no without ``has_perm``'s two permission queries (the navigation asks on
    every page)."""
    if not user.is_authenticated:
        return False
    if not user.is_superuser and getattr(user, "_holds_any_permission", None) is False:
        return False
    return user.has_perm("wagtailadmin.access_admin")


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
    if getattr(user, "_holds_any_permission", None) is None:
        _read_role_facts(user)
    return user._holds_any_permission  # type: ignore[union-attr]


def has_mfa(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
