"""Who may do what with member organisations. Views ask these; they never build checks.

Two kinds of people run an organisation:

- **the secretariat**, in the Wagtail admin, through model permissions that the role
  group gets from migrations (``lms.view_organisation``, ``lms.change_organisation``,
  ``lms.import_members``, ...);
- **its managers**, on the site: a person whose ``organisation_role`` is manager. Being a
  manager is a role on the person's link to the organisation, not a permission, so a
  manager holds no staff power (and needs no second factor). A manager sees and changes
  only their own organisation.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from lms.models import Organisation, User
from lms.permissions import can_access_admin


def managed_organisation(user: User | AnonymousUser) -> Organisation | None:
    """The organisation ``user`` manages, or None."""
    if not user.is_authenticated or not user.is_active or not user.is_organisation_manager:
        return None
    return user.organisation


def can_view_organisations(user: User | AnonymousUser) -> bool:
    """Secretariat staff who see organisations, their people and what lapses soon."""
    return bool(can_access_admin(user) and user.has_perm("lms.view_organisation"))


def can_manage_members(user: User | AnonymousUser) -> bool:
    """Secretariat staff who link and unlink people, change roles and send invitations."""
    return bool(
        can_access_admin(user)
        and user.has_perm("lms.change_organisation")
        and user.has_perm("lms.add_invitation")
    )


def can_import_members(user: User | AnonymousUser) -> bool:
    """Secretariat staff who import organisations and people from a CSV file."""
    return bool(
        can_access_admin(user)
        and user.has_perm("lms.import_members")
        and user.has_perm("lms.add_organisation")
        and user.has_perm("lms.change_organisation")
    )


def learning_scope(user: User | AnonymousUser) -> QuerySet[Organisation] | None:
    """The organisations whose people's learning ``user`` may see: a manager their own,
    the secretariat every one; None for anyone else."""
    organisation = managed_organisation(user)
    if organisation is not None:
        return Organisation.objects.filter(pk=organisation.pk)
    if can_view_organisations(user):
        return Organisation.objects.all()
    return None
