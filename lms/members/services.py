"""Changes to member organisations and their people. Each writes one audit entry about
the organisation (``lms.organisation.*``, ``lms.member.*``, registered in
``lms/wagtail_hooks.py``), so the organisation's history in the admin tells the whole
story: who linked whom, who invited, who removed, what an import changed.

The admin, the managers' pages, the CSV import and the tests all call these functions.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import roles
from lms.audit import record
from lms.errors import ServiceError
from lms.members.emails import send_invitation_after_commit
from lms.models import (
    INVITATION_VALID_DAYS,
    Invitation,
    Organisation,
    OrganisationRole,
    OrganisationStatus,
    User,
    hash_invitation_token,
)

ORGANISATION_FIELDS = (
    "name",
    "country",
    "membership_class",
    "membership_active_from",
    "membership_active_until",
    "status",
)


class MembershipError(ServiceError):
    """A change to an organisation or its people that the rules refuse."""


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if value is None or isinstance(value, int | bool) else str(value)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# --- Organisations --------------------------------------------------------------------


def organisation_create(
    *, actor: User | None, data: dict[str, Any] | None = None, **fields: Any
) -> Organisation:
    """Creates an organisation from ``fields`` (those of ``ORGANISATION_FIELDS``)."""
    values = {name: fields[name] for name in ORGANISATION_FIELDS if name in fields}
    with transaction.atomic():
        organisation = Organisation(**values)
        organisation.full_clean()
        organisation.save()
        record(
            "lms.organisation.created",
            instance=organisation,
            user=actor,
            data={**{k: _json(v) for k, v in values.items()}, **(data or {})},
        )
    return organisation


def organisation_update(
    *,
    organisation: Organisation,
    actor: User | None,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, tuple[Any, Any]]:
    """Sets ``fields`` and records what changed (``{field: (before, after)}``; empty when
    nothing did, and then nothing is written). A status change is recorded as a
    suspension or a reinstatement."""
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = {
            name: (getattr(current, name), fields[name])
            for name in ORGANISATION_FIELDS
            if name in fields and getattr(current, name) != fields[name]
        }
        if not changes:
            return {}
        for name, (_before, after) in changes.items():
            setattr(current, name, after)
        current.full_clean()
        current.save(update_fields=list(changes))
        action = "lms.organisation.updated"
        if "status" in changes:
            action = (
                "lms.organisation.suspended"
                if current.status == OrganisationStatus.SUSPENDED
                else "lms.organisation.reinstated"
            )
        record(
            action,
            instance=current,
            user=actor,
            data={
                "changes": {k: [_json(b), _json(a)] for k, (b, a) in changes.items()},
                **(data or {}),
            },
        )
    for name, (_before, after) in changes.items():
        setattr(organisation, name, after)
    return changes


def organisation_delete(*, organisation: Organisation, actor: User | None) -> None:
    """Deletes an organisation. Its people stay, unlinked (and lose members-only access);
    its invitations go."""
    with transaction.atomic():
        people = list(organisation.people.select_for_update())
        for person in people:
            _unlink(person)
        record(
            "lms.organisation.deleted",
            instance=organisation,
            user=actor,
            data={"name": organisation.name, "people": [p.email for p in people]},
        )
        organisation.delete()


# --- People ---------------------------------------------------------------------------


def _members_group() -> Group | None:
    return Group.objects.filter(name=roles.MEMBER).first()


def _link(person: User, organisation: Organisation, role: str) -> None:
    person.organisation = organisation
    person.organisation_role = role
    person.save(update_fields=["organisation", "organisation_role"])
    group = _members_group()
    if group is not None:
        person.groups.add(group)


def _unlink(person: User) -> None:
    person.organisation = None
    person.organisation_role = OrganisationRole.MEMBER
    person.save(update_fields=["organisation", "organisation_role"])
    group = _members_group()
    if group is not None:
        person.groups.remove(group)


def member_link(
    *,
    organisation: Organisation,
    person: User,
    role: str = OrganisationRole.MEMBER,
    actor: User | None,
    data: dict[str, Any] | None = None,
) -> bool:
    """Links ``person`` to ``organisation`` in ``role`` (moving them from another
    organisation if need be). Returns whether anything changed."""
    if role not in OrganisationRole.values:
        raise MembershipError(_("Choose member or manager."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.organisation_id == organisation.pk:
            if person.organisation_role == role:
                return False
            return member_set_role(
                organisation=organisation, person=person, role=role, actor=actor, data=data
            )
        previous = person.organisation
        _link(person, organisation, role)
        record(
            "lms.member.linked",
            instance=organisation,
            user=actor,
            data={
                "person": person.pk,
                "email": person.email,
                "role": role,
                "previous_organisation": previous.name if previous else None,
                **(data or {}),
            },
        )
        if previous is not None:
            record(
                "lms.member.unlinked",
                instance=previous,
                user=actor,
                data={"person": person.pk, "email": person.email, "moved_to": organisation.name},
            )
    return True


def member_set_role(
    *,
    organisation: Organisation,
    person: User,
    role: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
) -> bool:
    """Makes a person of ``organisation`` a member or a manager of it."""
    if role not in OrganisationRole.values:
        raise MembershipError(_("Choose member or manager."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.organisation_id != organisation.pk:
            raise MembershipError(_("This person is not linked to this organisation."))
        if person.organisation_role == role:
            return False
        before = person.organisation_role
        person.organisation_role = role
        person.save(update_fields=["organisation_role"])
        record(
            "lms.member.role_changed",
            instance=organisation,
            user=actor,
            data={
                "person": person.pk,
                "email": person.email,
                "role": [before, role],
                **(data or {}),
            },
        )
    return True


def member_unlink(
    *, organisation: Organisation, person: User, actor: User | None, reason: str = ""
) -> None:
    """Ends ``person``'s link with ``organisation``: their account stays, without
    members-only access through it."""
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.organisation_id != organisation.pk:
            raise MembershipError(_("This person is not linked to this organisation."))
        role = person.organisation_role
        _unlink(person)
        record(
            "lms.member.unlinked",
            instance=organisation,
            user=actor,
            reason=reason,
            data={"person": person.pk, "email": person.email, "role": role},
        )


def member_update_name(
    *, person: User, full_name: str, actor: User | None, data: dict[str, Any] | None = None
) -> bool:
    """Corrects a person's name (the import does, from the file)."""
    full_name = " ".join((full_name or "").split())
    if not full_name or full_name == person.full_name:
        return False
    before = person.full_name
    person.full_name = full_name
    person.save(update_fields=["full_name"])
    if person.organisation_id is not None:
        record(
            "lms.member.updated",
            instance=person.organisation,
            user=actor,
            data={
                "person": person.pk,
                "email": person.email,
                "full_name": [before, full_name],
                **(data or {}),
            },
        )
    return True


def colleague_remove(*, manager: User, colleague: User) -> None:
    """A manager removes a colleague from their organisation. Precondition: ``manager``
    manages the organisation ``colleague`` belongs to (the views look colleagues up in the
    manager's own organisation)."""
    organisation = manager.organisation
    if organisation is None or manager.organisation_role != OrganisationRole.MANAGER:
        raise MembershipError(_("Only a manager of the organisation can remove colleagues."))
    if colleague.pk == manager.pk:
        raise MembershipError(
            _("You cannot remove yourself. Ask the secretariat or another manager.")
        )
    member_unlink(organisation=organisation, person=colleague, actor=manager)


# --- Invitations ----------------------------------------------------------------------


def invitation_send(
    *,
    organisation: Organisation,
    email: str,
    role: str = OrganisationRole.MEMBER,
    actor: User | None,
    data: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> Invitation:
    """Invites ``email`` to ``organisation`` in ``role`` and e-mails the link (after
    commit). Refused when the address already belongs to a person of the organisation who
    can sign in (a person an import made, without a password yet, gets a new link), or has
    an invitation whose link still works; an expired one is closed and replaced."""
    email = normalise_email(email)
    if not email:
        raise MembershipError(_("Enter an e-mail address."))
    if role not in OrganisationRole.values:
        raise MembershipError(_("Choose member or manager."))
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        person = organisation.people.filter(email__iexact=email).first()
        if person is not None and person.has_usable_password():
            raise MembershipError(
                _("%(email)s is already a person of %(organisation)s.")
                % {"email": email, "organisation": organisation.name}
            )
        open_invitations = Invitation.objects.select_for_update().filter(
            organisation=organisation,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        for invitation in open_invitations:
            if invitation.is_pending(now):
                raise MembershipError(
                    _(
                        "An invitation to %(email)s is waiting for an answer. Revoke it to "
                        "send a new one."
                    )
                    % {"email": email}
                )
            invitation.revoked_at = now
            invitation.save(update_fields=["revoked_at"])
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    organisation=organisation,
                    email=email,
                    role=role,
                    token_hash=hash_invitation_token(token),
                    invited_by=actor if actor is not None and actor.is_authenticated else None,
                    created_at=now,
                    expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
                )
        except IntegrityError:
            raise MembershipError(
                _("An invitation to %(email)s is waiting for an answer.") % {"email": email}
            ) from None
        record(
            "lms.member.invited",
            instance=organisation,
            user=actor,
            data={"invitation": invitation.pk, "email": email, "role": role, **(data or {})},
        )
        existing = User.objects.filter(email__iexact=email).only("preferred_language").first()
        send_invitation_after_commit(
            invitation=invitation,
            token=token,
            language=existing.preferred_language if existing else None,
        )
    return invitation


def colleague_invite(*, manager: User, email: str) -> Invitation:
    """A manager invites a colleague (as a member) to their organisation, whose
    membership must be current."""
    organisation = manager.organisation
    if organisation is None or manager.organisation_role != OrganisationRole.MANAGER:
        raise MembershipError(_("Only a manager of the organisation can invite colleagues."))
    if not organisation.membership_active_on():
        raise MembershipError(
            _(
                "Your organisation's membership is not current, so colleagues cannot be "
                "invited. Contact the secretariat."
            )
        )
    return invitation_send(
        organisation=organisation, email=email, role=OrganisationRole.MEMBER, actor=manager
    )


def invitation_revoke(*, invitation: Invitation, actor: User | None) -> None:
    """Withdraws an invitation: its link stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise MembershipError(_("This invitation has already been answered or revoked."))
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = actor if actor is not None and actor.is_authenticated else None
        invitation.save(update_fields=["revoked_at", "revoked_by"])
        record(
            "lms.member.invitation_revoked",
            instance=invitation.organisation,
            user=actor,
            data={"invitation": invitation.pk, "email": invitation.email},
        )


def invitation_refusal(invitation: Invitation | None, *, now=None) -> str | None:
    """Why this invitation's link no longer works, in plain words, or None."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    if invitation.revoked_at is not None:
        return _("This invitation has been withdrawn. Ask your organisation's manager.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if not invitation.is_pending(now):
        return _("This invitation has expired. Ask your organisation's manager for a new one.")
    return None


def _lock_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )
    refusal = invitation_refusal(invitation)
    if refusal:
        raise MembershipError(refusal)
    return invitation


def invitation_accept(*, token: str, person: User) -> Organisation:
    """Accepts the invitation whose link carries ``token`` for ``person``, who must be
    signed in with the invited address. Links them to the organisation (in the
    invitation's role when they join; a person already there keeps their role). Works
    once: a second use is refused."""
    with transaction.atomic():
        invitation = _lock_invitation(token)
        if normalise_email(person.email) != invitation.email:
            raise MembershipError(
                _("This invitation is for %(email)s. Sign in with that address to accept it.")
                % {"email": invitation.email}
            )
        if not person.is_active:
            raise MembershipError(_("This account is not active."))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = person
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        organisation = invitation.organisation
        if person.organisation_id != organisation.pk:
            member_link(
                organisation=organisation,
                person=person,
                role=invitation.role,
                actor=person,
                data={"invitation": invitation.pk},
            )
        record(
            "lms.member.invitation_accepted",
            instance=organisation,
            user=person,
            data={"invitation": invitation.pk, "email": invitation.email, "person": person.pk},
        )
    return organisation


def invitation_activate_account(*, token: str, password: str) -> User:
    """For a person whose account was made for them (by an import) and who has no
    password yet: sets ``password`` (already validated), confirms the invited address
    (the link reached it) and accepts the invitation."""
    with transaction.atomic():
        invitation = _lock_invitation(token)
        person = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
        if person is None or person.has_usable_password():
            raise MembershipError(
                _("This account already has a password. Sign in to accept the invitation.")
            )
        person.set_password(password)
        person.save(update_fields=["password"])
        address = EmailAddress.objects.filter(user=person, email__iexact=person.email).first()
        if address is None:
            EmailAddress.objects.create(
                user=person,
                email=person.email,
                verified=True,
                primary=not EmailAddress.objects.filter(user=person, primary=True).exists(),
            )
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        invitation_accept(token=token, person=person)
    return person
