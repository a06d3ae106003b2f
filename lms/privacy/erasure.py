"""Erasure by pseudonymisation: a person asks, staff decide, the account is anonymised.

The rules
=========

* A signed-in person asks for erasure from their profile (a confirmation page, an
  optional reason): an :class:`~lms.privacy.models.ErasureRequest`, ``pending``. At most
  one request of a person is pending. They see it on their profile until it is decided.
* Staff with ``privacy.decide_erasurerequest`` (the secretariat) see the request in the
  admin (Settings → Erasure requests) with the *plan*: what each app would erase, and
  what it must keep and why. The plan is built from the ``privacy_erasure`` hook: every
  app registers, in its ``privacy_rights.py``, a function ``part(user) -> ErasurePart``
  (or ``None`` when it holds nothing of that person). A part says what it erases, what it
  keeps and why, and carries the ``erase(user, pseudonym)`` step.
* A rejection needs a reason; the person is e-mailed it.
* An approval carries the erasure out in ONE transaction: every app's ``erase`` step in
  hook order, ``lms``'s own part last (it replaces the name and e-mail address, which the
  other steps still need to find the person's traces). If any step fails, nothing is
  erased and the request stays pending. The person is e-mailed at their real address
  *before* the address is replaced (the message is rendered first and sent after commit).
* What is erased: name and e-mail address (replaced by the pseudonym and by
  ``erased-<id>@invalid``, an address under the reserved ``.invalid`` domain that can
  never receive mail), the password (unusable), sessions, e-mail addresses and second
  factors, the avatar, groups and the member organisation; each app's files and free text.
* What is kept, in pseudonymised form: the account row (decisions, invoices, attempts and
  statistics point at it, several with PROTECT), and through it the decisions log, whose
  entries then name "Erased person #<short hash>"; the audit log's entries, with the name
  and address replaced by the pseudonym in their titles and data.
* The pseudonym is ``Erased person #`` and eight hex digits of an HMAC of the account id
  with the site's secret: stable for one account, not reversible without the secret.

The request's ``outcome`` keeps, per app, the counts of what was erased and kept, never the
erased values. The request, its decision and its outcome are in the audit log
(``privacy.erasure.*``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import ModelLogEntry, PageLogEntry

from lms import audit
from lms.errors import ServiceError
from lms.i18n import language_of
from lms.models import Invitation, OrganisationRole, User
from lms.privacy.models import ErasureRequest, ErasureStatus
from lms.tasks import send_account_email

logger = logging.getLogger(__name__)

HOOK = "privacy_erasure"
PERMISSION = "privacy.decide_erasurerequest"
PSEUDONYM_PREFIX = "Erased person #"


class ErasureError(ServiceError):
    """An erasure request the rules refuse."""


# --- the contract between lms and the apps --------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    """One line of a plan: what (``"3 evidence files"``) and, for what is kept, why."""

    what: str
    why: str = ""


@dataclass
class ErasurePart:
    """One app's part of an erasure of one person.

    ``erase(user, pseudonym)`` runs inside the erasure's transaction, before the account
    itself is anonymised (so ``user.full_name`` and ``user.email`` are still the real ones),
    and returns counts of what it did (``{"evidence_files": 2}``) for the outcome. It
    deletes files after commit (``transaction.on_commit``), never before.
    """

    code: str
    title: str
    erased: list[PlanLine] = field(default_factory=list)
    kept: list[PlanLine] = field(default_factory=list)
    erase: Callable[[Any, str], dict[str, int]] = lambda user, pseudonym: {}


def pseudonym_for(user) -> str:
    """``Erased person #<8 hex>``: the same for one account, not reversible without the
    site's secret key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"erasure:{user.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{PSEUDONYM_PREFIX}{digest[:8]}"


def erased_email(user) -> str:
    """A unique address that cannot receive mail (``.invalid`` is reserved, RFC 2606)."""
    return f"erased-{user.pk}@invalid"


def is_erased(user) -> bool:
    return bool(user.email.endswith("@invalid") and user.full_name.startswith(PSEUDONYM_PREFIX))


def parts_for(user) -> list[ErasurePart]:
    """Every app's part for ``user``, in hook order (``lms``'s own last)."""
    found: list[ErasurePart] = []
    for hook in hooks.get_hooks(HOOK):
        part = hook(user)
        if part is not None:
            found.append(part)
    return found


def delete_file_after_commit(file) -> bool:
    """Deletes a stored file once the transaction commits; True if there was one."""
    if not file:
        return False
    name, storage = file.name, file.storage
    transaction.on_commit(lambda: storage.delete(name))
    return True


def count_label(count: int, singular: str, plural: str) -> str:
    return (singular if count == 1 else plural) % {"count": count}


# --- lms's own part: the account -------------------------------------------------------


def _session_keys_of(user) -> list[str]:
    """Keys of the stored sessions signed in as ``user`` (database-backed sessions)."""
    if not settings.SESSION_ENGINE.endswith(("backends.db", "backends.cached_db")):
        return []  # signed cookies or a cache: nothing stored here to delete
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        try:
            data = session.get_decoded()
        except Exception:  # noqa: BLE001 - a broken session is nobody's
            continue
        if str(data.get("_auth_user_id")) == str(user.pk):
            keys.append(session.session_key)
    return keys


def _log_entries_naming(user):
    """Audit entries whose title or data hold the person's name or e-mail address."""
    terms = [user.email]
    if len(user.full_name.strip()) >= 4:  # a very short name would match other people's text
        terms.append(user.full_name.strip())
    condition = Q()
    for term in terms:
        condition |= Q(label__icontains=term) | Q(data__icontains=term)
    return [model.objects.filter(condition) for model in (ModelLogEntry, PageLogEntry)]


def _replace_in(value, terms: list[tuple[str, str]]):
    if isinstance(value, str):
        for old, new in terms:
            if old:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace_in(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, terms) for key, item in value.items()}
    return value


def _other_models():
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from wagtail.users.models import UserProfile

    return EmailAddress, Authenticator, UserProfile


def core_part(user) -> ErasurePart:
    """The account: name, address, password, sign-ins, second factors, avatar, groups,
    organisation, and the name in audit entries."""
    EmailAddress, Authenticator, UserProfile = _other_models()
    addresses = EmailAddress.objects.filter(user=user).count()
    factors = Authenticator.objects.filter(user=user).count()
    sessions = len(_session_keys_of(user))
    entries = sum(qs.count() for qs in _log_entries_naming(user))
    profile = UserProfile.objects.filter(user=user).first()
    invitations = Invitation.objects.filter(email__iexact=user.email).count()
    consents = user.consents.count()
    erased = [
        PlanLine(_("Name and e-mail address (replaced by the pseudonym)")),
        PlanLine(_("Password (the account can no longer sign in)")),
        PlanLine(count_label(sessions, _("%(count)s open session"), _("%(count)s open sessions"))),
        PlanLine(
            count_label(addresses, _("%(count)s e-mail address"), _("%(count)s e-mail addresses"))
        ),
        PlanLine(count_label(factors, _("%(count)s second factor"), _("%(count)s second factors"))),
        PlanLine(_("Groups, permissions and the link to a member organisation")),
    ]
    if profile is not None and profile.avatar:
        erased.append(PlanLine(_("Avatar")))
    if invitations:
        erased.append(
            PlanLine(
                count_label(
                    invitations,
                    _("E-mail address in %(count)s invitation"),
                    _("E-mail address in %(count)s invitations"),
                )
            )
        )
    kept = [
        PlanLine(
            _("The account row, under the pseudonym"),
            _(
                "Decisions, invoices, attempts and statistics refer to it; it keeps their "
                "history consistent without naming the person."
            ),
        ),
        PlanLine(
            count_label(entries, _("%(count)s audit log entry"), _("%(count)s audit log entries")),
            _("Who did what and when stays accountable; the name is replaced by the pseudonym."),
        ),
    ]
    if consents:
        kept.append(
            PlanLine(
                count_label(
                    consents,
                    _("%(count)s acceptance of the notices"),
                    _("%(count)s acceptances of the notices"),
                ),
                _("Proof of what was accepted and when (dates and versions only)."),
            )
        )
    return ErasurePart(
        code="account",
        title=str(gettext_lazy("Account")),
        erased=erased,
        kept=kept,
        erase=erase_account,
    )


def erase_account(user, pseudonym: str) -> dict[str, int]:
    """Anonymises the account row and what hangs on it (run last)."""
    EmailAddress, Authenticator, UserProfile = _other_models()
    old_name, old_email = user.full_name.strip(), user.email
    new_email = erased_email(user)
    terms = [(old_email, new_email)]
    if len(old_name) >= 4:
        terms.append((old_name, pseudonym))
    entries = 0
    for queryset in _log_entries_naming(user):
        for entry in queryset.iterator():
            entry.label = _replace_in(entry.label, terms)
            entry.data = _replace_in(entry.data, terms)
            entry.save(update_fields=["label", "data"])
            entries += 1
    invitations = Invitation.objects.filter(email__iexact=old_email).update(email=new_email)
    keys = _session_keys_of(user)
    Session.objects.filter(session_key__in=keys).delete()
    addresses, _detail = EmailAddress.objects.filter(user=user).delete()
    factors, _detail = Authenticator.objects.filter(user=user).delete()
    avatars = 0
    profile = UserProfile.objects.filter(user=user).first()
    if profile is not None and profile.avatar:
        avatars = int(delete_file_after_commit(profile.avatar))
        profile.avatar = None
        profile.save(update_fields=["avatar"])
    user.groups.clear()
    user.user_permissions.clear()
    user.full_name = pseudonym
    user.email = new_email
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.organisation = None
    user.organisation_role = OrganisationRole.MEMBER
    user.save(
        update_fields=[
            "full_name",
            "email",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "organisation",
            "organisation_role",
        ]
    )
    return {
        "sessions": len(keys),
        "email_addresses": addresses,
        "second_factors": factors,
        "avatars": avatars,
        "invitations": invitations,
        "audit_entries_pseudonymised": entries,
    }


# --- reads ---------------------------------------------------------------------------


def pending_request_of(user) -> ErasureRequest | None:
    if user is None or not user.is_authenticated:
        return None
    return ErasureRequest.objects.filter(user=user, status=ErasureStatus.PENDING).first()


def can_decide(user) -> bool:
    """Staff who decide erasure requests (the secretariat, through its group)."""
    return bool(user.is_authenticated and user.has_perm(PERMISSION))


# --- e-mails -------------------------------------------------------------------------


def _email_after_commit(*, user, template: str, context: dict[str, Any]) -> None:
    """Renders ``template`` (first line: subject) in the person's language now, with their
    real address, and sends it after commit."""
    with translation.override(language_of(user)):
        text = render_to_string(
            template, {"user": user, "site_url": settings.SITE_URL, **context}
        ).strip()
    subject, _sep, body = text.partition("\n")
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = {
        "subject": f"{prefix}{subject.strip()}",
        "body": body.strip() + "\n",
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [user.email],
    }
    transaction.on_commit(lambda: send_account_email.enqueue(**message))


# --- writes --------------------------------------------------------------------------


def erasure_request_create(
    *, user, reason: str = "", now: datetime.datetime | None = None
) -> ErasureRequest:
    """Records that ``user`` asks to be erased. Refused for anonymous visitors, for an
    account already erased and when a request of theirs is pending."""
    if user is None or not user.is_authenticated:
        raise ErasureError(_("Sign in to ask for the erasure of your account."))
    if is_erased(user):
        raise ErasureError(_("This account is already erased."))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            if ErasureRequest.objects.filter(user=user, status=ErasureStatus.PENDING).exists():
                raise ErasureError(_("Your request for erasure is already waiting for a decision."))
            request = ErasureRequest.objects.create(
                user=user, requested_at=now, reason=(reason or "").strip()[:2000]
            )
            audit.record(
                "privacy.erasure.requested",
                instance=request,
                user=user,
                data={"user_id": user.pk},
                title=str(request),
            )
            _email_after_commit(
                user=user, template="privacy/email/erasure_requested.txt", context={}
            )
    except IntegrityError as exc:  # a second request sent in parallel
        raise ErasureError(
            _("Your request for erasure is already waiting for a decision.")
        ) from exc
    return request


def _lock_pending(request: ErasureRequest) -> ErasureRequest:
    locked = ErasureRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None or locked.status != ErasureStatus.PENDING:
        raise ErasureError(_("This request has been decided already."))
    return locked


def erasure_request_reject(*, request: ErasureRequest, actor, reason: str) -> ErasureRequest:
    """Refuses a pending request; the reason is required and is e-mailed to the person."""
    if not can_decide(actor):
        raise ErasureError(_("You may not decide erasure requests."))
    reason = (reason or "").strip()
    if not reason:
        raise ErasureError(_("A reason is required to reject a request."))
    with transaction.atomic():
        request = _lock_pending(request)
        request.status = ErasureStatus.REJECTED
        request.decided_at = timezone.now()
        request.decided_by = actor
        request.decision_reason = reason
        request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        audit.record(
            "privacy.erasure.rejected",
            instance=request,
            user=actor,
            reason=reason,
            data={"user_id": request.user_id},
            title=str(request),
        )
        _email_after_commit(
            user=request.user,
            template="privacy/email/erasure_rejected.txt",
            context={"reason": reason},
        )
    return request


def erasure_request_approve(*, request: ErasureRequest, actor) -> ErasureRequest:
    """Approves a pending request and erases the person in one transaction (every app's
    step, then the account). Staff cannot erase themselves through it."""
    if not can_decide(actor):
        raise ErasureError(_("You may not decide erasure requests."))
    if request.user_id == getattr(actor, "pk", None):
        raise ErasureError(_("Another member of staff must decide your own request."))
    with transaction.atomic():
        request = _lock_pending(request)
        user = User.objects.select_for_update().get(pk=request.user_id)
        pseudonym = pseudonym_for(user)
        # The person hears of it at their real address, rendered before it is replaced.
        _email_after_commit(user=user, template="privacy/email/erasure_done.txt", context={})
        parts = parts_for(user)
        outcome: dict[str, Any] = {"parts": []}
        for part in parts:
            counts = part.erase(user, pseudonym) or {}
            outcome["parts"].append(
                {
                    "code": part.code,
                    "title": part.title,
                    "erased": {key: int(value) for key, value in counts.items()},
                    "kept": [str(line.what) for line in part.kept],
                }
            )
        now = timezone.now()
        request.status = ErasureStatus.DONE
        request.decided_at = now
        request.decided_by = actor
        request.pseudonym = pseudonym
        request.reason = ""  # the person's own words may name them
        request.outcome = outcome
        request.save(
            update_fields=["status", "decided_at", "decided_by", "pseudonym", "reason", "outcome"]
        )
        audit.record(
            "privacy.erasure.approved",
            instance=request,
            user=actor,
            data={"user_id": user.pk, "pseudonym": pseudonym},
            title=str(request),
        )
        audit.record(
            "privacy.erasure.done",
            instance=request,
            user=actor,
            data={"user_id": user.pk, "pseudonym": pseudonym, "outcome": outcome},
            title=str(request),
        )
    return request


def erasure_request_withdraw(*, request: ErasureRequest, user) -> ErasureRequest:
    """The person takes back their own pending request (kept, as withdrawn)."""
    if request.user_id != getattr(user, "pk", None):
        raise ErasureError(_("This is not your request."))
    with transaction.atomic():
        request = _lock_pending(request)
        request.status = ErasureStatus.WITHDRAWN
        request.decided_at = timezone.now()
        request.decided_by = user
        request.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            "privacy.erasure.withdrawn",
            instance=request,
            user=user,
            data={"user_id": user.pk},
            title=str(request),
        )
    return request
