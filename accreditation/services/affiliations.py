"""Firms confirm their auditors: an auditor asks to work under a firm, the firm's admins (or
staff on the firm's behalf) confirm or decline, and an affiliation ends from a date.

Only a confirmed affiliation counts (eligibility, the register, the firm's auditors, exam
sittings), and only from ``since`` to ``until``. Ending keeps the row with its ``until``, so
dates before the end keep their answers; what rested on the affiliation (eligibility
through the firm, the register, sittings the firm may give) stops from that date by the
same rules, with nothing else to undo.

Transitions: pending -> confirmed | declined; declined -> pending (asked again);
confirmed -> ended (``until`` set). Each is written to the audit log
(``accreditation.affiliation.*``); the firm's admins hear of a request, the auditor of a
decision, both of an end, by e-mail after commit.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import permissions
from accreditation.models import Affiliation, AuditFirm, AuditorProfile
from accreditation.services import emails
from accreditation.services.base import AccreditationError, clean_reason, today
from lms import audit
from lms.formats import local_date

A = Affiliation.Status


def _log(action: str, affiliation: Affiliation, user, *, reason: str = "", **data) -> None:
    audit.record(
        f"accreditation.affiliation.{action}",
        instance=affiliation,
        user=user,
        reason=reason,
        data={
            "auditor": affiliation.auditor_id,
            "firm": affiliation.firm_id,
            "status": affiliation.status,
            **data,
        },
    )


def _notify_firm(affiliation: Affiliation, template: str, reason: str = "") -> None:
    emails.send_after_commit(
        template=template,
        context={"affiliation": affiliation, "reason": reason},
        recipients=list(affiliation.firm.admins.values_list("email", flat=True)),
    )


def _notify_auditor(affiliation: Affiliation, template: str, reason: str = "") -> None:
    emails.send_after_commit(
        template=template,
        context={"affiliation": affiliation, "reason": reason},
        recipients=[affiliation.auditor.user.email],
    )


def _lock(affiliation: Affiliation) -> Affiliation:
    return (
        Affiliation.objects.select_for_update()
        .select_related("auditor__user", "firm")
        .get(pk=affiliation.pk)
    )


@transaction.atomic
def affiliation_request(*, auditor: AuditorProfile, firm: AuditFirm, user) -> Affiliation:
    """The auditor (or staff for them) asks to work under ``firm``: a pending affiliation
    the firm's admins are told of. Asking again while a request waits, or while already
    confirmed, changes nothing and returns that affiliation; a declined request turns
    pending again; after an affiliation ended, a new request is a new row. Refused while an
    end date lies ahead (the auditor still works there until then)."""
    if not (
        user is not None
        and user.is_authenticated
        and (auditor.user_id == user.pk or permissions.can_decide_affiliations_as_staff(user))
    ):
        raise AccreditationError(_("Only the auditor can ask to work under a firm."))
    # One request at a time per auditor: the profile row is the lock.
    list(AuditorProfile.objects.select_for_update().filter(pk=auditor.pk).values("pk"))
    rows = list(Affiliation.objects.filter(auditor=auditor, firm=firm))
    current = next((a for a in rows if a.until is None), None)
    if current is not None and current.status in (A.PENDING, A.CONFIRMED):
        return current
    ending = [a.until for a in rows if a.until is not None and a.until >= today()]
    if ending:
        raise AccreditationError(
            _("You work for %(firm)s until %(date)s; ask again after that date.")
            % {"firm": firm.name, "date": local_date(max(ending))}
        )
    now = timezone.now()
    if current is not None:  # declined: asked again
        current.status = A.PENDING
        current.requested_at = now
        current.decided_at = None
        current.decided_by = None
        current.decline_reason = ""
        current.save(
            update_fields=["status", "requested_at", "decided_at", "decided_by", "decline_reason"]
        )
        affiliation = current
    else:
        affiliation = Affiliation.objects.create(
            auditor=auditor, firm=firm, status=A.PENDING, requested_at=now
        )
    _log("requested", affiliation, user)
    _notify_firm(affiliation, "affiliation_requested")
    return affiliation


def _check_decider(user, affiliation: Affiliation) -> None:
    if user is None or not permissions.can_decide_affiliation(user, affiliation.firm):
        raise AccreditationError(
            _("Only an administrator of %(firm)s or the secretariat can decide this.")
            % {"firm": affiliation.firm.name}
        )


def _check_pending(affiliation: Affiliation) -> None:
    if affiliation.status != A.PENDING:
        raise AccreditationError(
            _("This request was already decided: %(status)s.")
            % {"status": affiliation.get_status_display()}
        )


@transaction.atomic
def affiliation_confirm(
    *, affiliation: Affiliation, user, since: datetime.date | None = None
) -> Affiliation:
    """The firm (its admin, or staff on its behalf) confirms that the auditor works for
    it, from ``since`` (default today; an earlier date when they joined earlier)."""
    _check_decider(user, affiliation)
    affiliation = _lock(affiliation)
    _check_pending(affiliation)
    since = since or today()
    if since.year < 2000:
        raise AccreditationError(_("Enter a date after 2000."))
    affiliation.status = A.CONFIRMED
    affiliation.since = since
    affiliation.decided_at = timezone.now()
    affiliation.decided_by = user
    affiliation.save(update_fields=["status", "since", "decided_at", "decided_by"])
    _log(
        "confirmed",
        affiliation,
        user,
        since=since.isoformat(),
        on_behalf=not permissions.administers_firm(user, affiliation.firm),
    )
    _notify_auditor(affiliation, "affiliation_decided")
    return affiliation


@transaction.atomic
def affiliation_decline(*, affiliation: Affiliation, user, reason: str) -> Affiliation:
    """The firm declines the auditor's request, with a reason the auditor is told."""
    reason = clean_reason(reason)
    _check_decider(user, affiliation)
    affiliation = _lock(affiliation)
    _check_pending(affiliation)
    affiliation.status = A.DECLINED
    affiliation.decline_reason = reason
    affiliation.decided_at = timezone.now()
    affiliation.decided_by = user
    affiliation.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
    _log(
        "declined",
        affiliation,
        user,
        reason=reason,
        on_behalf=not permissions.administers_firm(user, affiliation.firm),
    )
    _notify_auditor(affiliation, "affiliation_decided", reason)
    return affiliation


@transaction.atomic
def affiliation_end(
    *, affiliation: Affiliation, user, until: datetime.date, reason: str
) -> Affiliation:
    """The auditor no longer works for the firm after ``until`` (their last day). The firm
    (or staff) or the auditor may end it; it counts up to ``until`` and not after, so
    eligibility and the register through the firm stop from the next day, and past dates
    keep their answers."""
    reason = clean_reason(reason)
    if user is None or not permissions.can_end_affiliation(user, affiliation):
        raise AccreditationError(
            _("Only the auditor, an administrator of %(firm)s or the secretariat can end this.")
            % {"firm": affiliation.firm.name}
        )
    if until is None:
        raise AccreditationError(_("Give the last day the auditor works for the firm."))
    affiliation = _lock(affiliation)
    if affiliation.status != A.CONFIRMED:
        raise AccreditationError(_("Only a confirmed affiliation can be ended."))
    if affiliation.until is not None:
        raise AccreditationError(
            _("This affiliation already ends on %(date)s.")
            % {"date": local_date(affiliation.until)}
        )
    if affiliation.since is not None and until < affiliation.since:
        raise AccreditationError(
            _("The end date must not be before the start date (%(date)s).")
            % {"date": local_date(affiliation.since)}
        )
    affiliation.until = until
    affiliation.save(update_fields=["until"])
    _log("ended", affiliation, user, reason=reason, until=until.isoformat())
    _notify_auditor(affiliation, "affiliation_ended", reason)
    _notify_firm(affiliation, "affiliation_ended", reason)
    return affiliation
