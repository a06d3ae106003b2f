"""Firm onboarding: a firm applies online, staff approve or reject it, its admins add
co-admins, and the daily run reminds them of the yearly renewal fee.

Status workflow of ``FirmApplication`` (``FIRM_APPLICATION_TRANSITIONS``): ``draft`` ->
``submitted`` (the applicant) -> ``approved`` / ``rejected`` (staff, with a reason). The
fee is paid through payments (``views.firm_onboarding``); it is shown to staff but does not
gate the decision (when no fee is on sale, staff decide all the same).

Approval creates the firm, its first accreditation period and its first admin in one
transaction; both decisions are entries of the decisions log (``lms.audit.record``, action
codes in ``models.DECISION_ACTIONS``) about the application, naming the firm created, and
are e-mailed to the applicant after commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accreditation import permissions, selectors
from accreditation.models import (
    AuditFirm,
    FirmAccreditationPeriod,
    FirmApplication,
    FirmStatusChange,
    ReminderSent,
)
from accreditation.selectors import firm_onboarding as onboarding
from accreditation.services import emails
from accreditation.services.base import AccreditationError, clean_reason, today
from accreditation.services.register import register_batch
from lms import audit
from lms.formats import local_date

S = FirmApplication.Status
FIRM_APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset(),
    S.REJECTED: frozenset(),
}

# What the applicant fills in (``certificate`` comes separately, as an upload).
APPLICATION_FIELDS = (
    "legal_name",
    "country",
    "website",
    "scheme",
    "accreditation_body",
    "accreditation_number",
    "accreditation_scope",
    "accreditation_expires_on",
    "admin_name",
    "admin_email",
    "contact_phone",
)


def _check_details(application: FirmApplication, *, on: datetime.date) -> None:
    """The rules a firm's details must meet whatever page they come from."""
    application.legal_name = (application.legal_name or "").strip()
    if not application.legal_name:
        raise AccreditationError(_("Give the firm's legal name."))
    if application.accreditation_expires_on <= on:
        raise AccreditationError(
            _("The firm's ISO/IEC accreditation must still be valid: its expiry date is past.")
        )
    clash = onboarding.firm_name_clash(name=application.legal_name, exclude=application)
    if clash:
        raise AccreditationError(clash)


def _move(application: FirmApplication, to: str) -> None:
    if to not in FIRM_APPLICATION_TRANSITIONS[application.status]:
        raise AccreditationError(
            _("This application is “%(status)s”; it cannot be changed that way.")
            % {"status": application.get_status_display()}
        )
    application.status = to


def _lock(application: FirmApplication) -> FirmApplication:
    return FirmApplication.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def firm_application_create(
    *, applicant, details: dict[str, Any], certificate: UploadedFile
) -> FirmApplication:
    """A draft application by ``applicant`` (signed in), who will be the firm's first admin.
    ``details`` holds ``APPLICATION_FIELDS``; ``certificate`` is the validated upload."""
    if not permissions.can_apply_as_firm(applicant):
        raise AccreditationError(_("Sign in to apply for an audit firm."))
    application = FirmApplication(
        applicant=applicant, **{key: details[key] for key in APPLICATION_FIELDS if key in details}
    )
    _check_details(application, on=today())
    application.original_filename = (certificate.name or "")[:255]
    application.certificate = certificate
    application.save()
    return application


@transaction.atomic
def firm_application_update(
    *,
    application: FirmApplication,
    actor,
    details: dict[str, Any],
    certificate: UploadedFile | None = None,
) -> FirmApplication:
    """The applicant changes their draft; a new certificate replaces the old one."""
    application = _lock(application)
    if not permissions.owns_firm_application(actor, application):
        raise AccreditationError(_("Only the applicant changes this application."))
    if application.status != S.DRAFT:
        raise AccreditationError(_("Only a draft can be changed; this one was submitted."))
    for key in APPLICATION_FIELDS:
        if key in details:
            setattr(application, key, details[key])
    _check_details(application, on=today())
    old_file = application.certificate.name if certificate is not None else None
    if certificate is not None:
        application.original_filename = (certificate.name or "")[:255]
        application.certificate = certificate
    application.save()
    if old_file:
        storage = application.certificate.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return application


def firm_application_submit(*, application: FirmApplication, actor) -> FirmApplication:
    """The applicant sends their draft to the secretariat (it then waits for the fee and a
    decision). Refused when the name is taken meanwhile or the expiry date has passed."""
    try:
        with transaction.atomic():
            application = _lock(application)
            if not permissions.owns_firm_application(actor, application):
                raise AccreditationError(_("Only the applicant submits this application."))
            _move(application, S.SUBMITTED)
            _check_details(application, on=today())
            application.submitted_at = timezone.now()
            application.save(update_fields=["status", "submitted_at"])
            audit.record(
                "accreditation.firm_application.submitted",
                instance=application,
                user=actor,
                data={"firm_application": application.pk, "legal_name": application.legal_name},
            )
    except IntegrityError as error:  # another application of that name got in first
        raise AccreditationError(
            _("An application for a firm of this name is already waiting for a decision.")
        ) from error
    return application


def _record_decision(
    *, action: str, application: FirmApplication, actor, reason: str, data: dict
) -> None:
    audit.record(
        action,
        instance=application,
        user=actor,
        reason=reason,
        data={
            **data,
            "firm_application": application.pk,
            "legal_name": application.legal_name,
            "accreditation": None,
            "application": None,
            "firm": application.firm_id,
        },
    )
    recipients = [application.admin_email]
    if application.applicant is not None:
        recipients.append(application.applicant.email)
    emails.send_after_commit(
        template="firm_application_decided",
        context={"application": application, "reason": reason},
        recipients=recipients,
        language=getattr(application.applicant, "preferred_language", None),
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "firm"
    slug, n = base, 2
    while AuditFirm.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def default_valid_until(application: FirmApplication, on: datetime.date) -> datetime.date:
    """A firm's first period: one year from ``on`` (the yearly renewal then falls due), and
    never beyond the expiry of its ISO/IEC accreditation."""
    one_year = selectors.add_months(on, 12) - datetime.timedelta(days=1)
    return min(one_year, application.accreditation_expires_on)


def firm_application_approve(
    *,
    application: FirmApplication,
    actor,
    reason: str,
    valid_until: datetime.date | None = None,
) -> AuditFirm:
    """Staff approve: in one transaction the firm is created (active), accredited from today
    until ``valid_until`` (by default ``default_valid_until``; never beyond the ISO/IEC
    accreditation's expiry), the applicant becomes its admin, and the decision is logged."""
    reason = clean_reason(reason)
    if not permissions.can_review_firm_applications(actor):
        raise AccreditationError(_("Only the secretariat decides on firm applications."))
    on = today()
    try:
        with transaction.atomic(), register_batch():
            application = _lock(application)
            _move(application, S.APPROVED)
            if application.applicant is None:
                raise AccreditationError(_("The applicant's account no longer exists."))
            if AuditFirm.objects.filter(name__iexact=application.legal_name.strip()).exists():
                raise AccreditationError(
                    _("An audit firm named “%(name)s” already exists.")
                    % {"name": application.legal_name}
                )
            if application.accreditation_expires_on < on:
                raise AccreditationError(
                    _(
                        "The firm's ISO/IEC accreditation expired on %(date)s: "
                        "ask for a current one."
                    )
                    % {"date": local_date(application.accreditation_expires_on)}
                )
            valid_until = valid_until or default_valid_until(application, on)
            if valid_until < on:
                raise AccreditationError(_("The end date must not be before today."))
            if valid_until > application.accreditation_expires_on:
                raise AccreditationError(
                    _("The firm cannot be accredited beyond its ISO/IEC accreditation (%(date)s).")
                    % {"date": local_date(application.accreditation_expires_on)}
                )
            firm = AuditFirm.objects.create(
                name=application.legal_name.strip(),
                slug=_unique_slug(application.legal_name),
                country=application.country,
                website=application.website,
                scheme=application.scheme,
                accreditation_body=application.accreditation_body,
                accreditation_number=application.accreditation_number,
            )
            firm.admins.add(application.applicant)
            FirmAccreditationPeriod.objects.create(
                firm=firm, valid_from=on, valid_until=valid_until, source="granted"
            )
            FirmStatusChange.objects.create(
                firm=firm,
                status=FirmStatusChange.Status.ACTIVE,
                effective_from=on,
                reason=reason,
                created_by=actor,
            )
            application.firm = firm
            application.decided_at = timezone.now()
            application.decided_by = actor
            application.reason = reason
            application.save(update_fields=["status", "firm", "decided_at", "decided_by", "reason"])
            _record_decision(
                action="accreditation.firm_application.approved",
                application=application,
                actor=actor,
                reason=reason,
                data={"valid_from": on.isoformat(), "valid_until": valid_until.isoformat()},
            )
    except IntegrityError as error:  # a firm of that name or slug was created meanwhile
        raise AccreditationError(
            _("An audit firm named “%(name)s” already exists.") % {"name": application.legal_name}
        ) from error
    return firm


@transaction.atomic
def firm_application_reject(*, application: FirmApplication, actor, reason: str) -> FirmApplication:
    """Staff reject, with a reason (logged and e-mailed to the applicant)."""
    reason = clean_reason(reason)
    if not permissions.can_review_firm_applications(actor):
        raise AccreditationError(_("Only the secretariat decides on firm applications."))
    application = _lock(application)
    _move(application, S.REJECTED)
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    _record_decision(
        action="accreditation.firm_application.rejected",
        application=application,
        actor=actor,
        reason=reason,
        data={},
    )
    return application


# --- co-admins ---------------------------------------------------------------------------


@transaction.atomic
def firm_admin_add(*, firm: AuditFirm, email: str, actor):
    """A firm admin makes the person with the account ``email`` an admin of ``firm`` too
    (they are told by e-mail). The person must already have an account."""
    if not permissions.can_manage_firm_admins(actor, firm):
        raise AccreditationError(_("Only the firm's administrators add administrators."))
    firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
    email = (email or "").strip()
    person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise AccreditationError(
            _(
                "No account uses the address %(email)s. Ask the person to sign up first, "
                "then add them."
            )
            % {"email": email}
        )
    if firm.admins.filter(pk=person.pk).exists():
        raise AccreditationError(
            _("%(email)s is already an administrator of %(firm)s.")
            % {"email": person.email, "firm": firm.name}
        )
    firm.admins.add(person)
    audit.record(
        "accreditation.firm.admin_added",
        instance=firm,
        user=actor,
        data={"firm": firm.pk, "admin": person.pk},
    )
    emails.send_after_commit(
        template="firm_admin_added",
        context={"firm": firm.name, "by": actor.full_name or actor.email},
        recipients=[person.email],
        language=getattr(person, "preferred_language", None),
    )
    return person


@transaction.atomic
def firm_admin_remove(*, firm: AuditFirm, admin, actor) -> None:
    """A firm admin removes an admin of ``firm`` (themself included), never the last one:
    a firm always has someone to confirm its auditors and pay its fees."""
    if not permissions.can_manage_firm_admins(actor, firm):
        raise AccreditationError(_("Only the firm's administrators remove administrators."))
    firm = AuditFirm.objects.select_for_update().get(pk=firm.pk)
    admins = list(firm.admins.values_list("pk", flat=True))
    if admin.pk not in admins:
        raise AccreditationError(_("This person is not an administrator of the firm."))
    if len(admins) <= 1:
        raise AccreditationError(
            _("A firm keeps at least one administrator: add another one before removing this one.")
        )
    firm.admins.remove(admin)
    audit.record(
        "accreditation.firm.admin_removed",
        instance=firm,
        user=actor,
        data={"firm": firm.pk, "admin": admin.pk},
    )


# --- renewal reminders (the daily run) --------------------------------------------------


def _renewal_threshold(days_left: int) -> int | None:
    """The reminder due ``days_left`` days before the renewal: the smallest of
    ``RENEWAL_REMINDER_DAYS`` reached (a missed run sends it late, once)."""
    if days_left < 0:
        return None
    reached = [t for t in onboarding.RENEWAL_REMINDER_DAYS if days_left <= t]
    return min(reached) if reached else None


def _claim_renewal(key: str, threshold: int, recipient: str) -> bool:
    """Records the reminder (and the larger ones, now pointless) once; False if sent."""
    if ReminderSent.objects.filter(key=key, days_before=threshold, recipient=recipient).exists():
        return False
    try:
        with transaction.atomic():
            for t in onboarding.RENEWAL_REMINDER_DAYS:
                if t >= threshold:
                    ReminderSent.objects.get_or_create(key=key, days_before=t, recipient=recipient)
    except IntegrityError:  # a concurrent run got there first
        return False
    return True


def send_renewal_reminders(
    *, on: datetime.date, reminded_today: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """The yearly renewal fee: firm admins are reminded 60 and 30 days before the due date
    and on it (``selectors.firm_onboarding`` says when it is due), once each (recorded in
    ``ReminderSent`` under ``renewal:<firm>:<due date>``), unless the fee is paid or the
    firm is suspended or withdrawn. Returns what was sent, for the run's report.

    ``reminded_today``: the daily run's report lines so far. An admin who got the firm's
    expiry reminder (``firm:<firm>:<end>``, same date) in this run gets no second e-mail
    that day (that reminder links to the firm's page and its pay button); the renewal
    reminder counts as sent all the same."""
    sent: list[str] = []
    horizon = on + datetime.timedelta(days=max(onboarding.RENEWAL_REMINDER_DAYS))
    firms = (
        onboarding.firms_with_renewal_due(on=on)
        .filter(due_on__gte=on, due_on__lte=horizon)
        .prefetch_related("admins", "status_changes")
    )
    for firm in firms:
        threshold = _renewal_threshold((firm.due_on - on).days)
        if threshold is None:
            continue
        status, _since = selectors.firm_status_on(firm, on)
        if status != FirmStatusChange.Status.ACTIVE:
            continue
        renewal = onboarding.firm_renewal(firm, on)
        if renewal is None or renewal.is_paid:
            continue
        key = f"renewal:{firm.pk}:{renewal.due_on.isoformat()}"
        expiry_key = f"firm:{firm.pk}:{renewal.due_on.isoformat()} "
        for admin in firm.admins.all():
            if not admin.is_active:  # erased or switched off: nobody to remind
                continue
            if not _claim_renewal(key, threshold, admin.email):
                continue
            if any(
                line.startswith(expiry_key) and line.endswith(f"-> {admin.email}")
                for line in reminded_today
            ):
                continue
            emails.send_after_commit(
                template="firm_renewal_reminder",
                context={
                    "firm": firm.name,
                    "firm_pk": firm.pk,
                    "days": renewal.days_left,
                    "due_on": renewal.due_on,
                },
                recipients=[admin.email],
                language=getattr(admin, "preferred_language", None),
            )
            sent.append(f"{key} ({threshold} days) -> {admin.email}")
    return sent
