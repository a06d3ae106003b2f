"""Auditor profiles, applications and their evidence (affiliations: ``affiliations``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as country_registry

from accreditation import selectors
from accreditation.models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatusChange,
    AuditFirm,
    AuditorProfile,
    Evidence,
    Requirement,
    Sector,
    StandardVersion,
)
from accreditation.services.affiliations import affiliation_request
from accreditation.services.base import AccreditationError, clean_reason, record_decision
from accreditation.services.consent import register_consent_set
from lms import audit, roles

# --- auditor profiles -----------------------------------------------------------------


def auditor_profile_ensure(*, user) -> AuditorProfile:
    """The person's auditor profile, created (and put in the Auditors group) if missing."""
    profile, created = AuditorProfile.objects.get_or_create(user=user)
    if created:
        group = Group.objects.filter(name=roles.AUDITOR).first()
        if group:
            user.groups.add(group)
    return profile


def auditor_profile_update(
    *,
    profile: AuditorProfile,
    languages: str | None = None,
    listed_consent: bool | None = None,
    is_lead_auditor: bool | None = None,
) -> AuditorProfile:
    """Saves the profile's fields; a change of the register consent goes through
    ``register_consent_set`` (a dated record), as the person's own act."""
    fields = []
    for name, value in (("languages", languages), ("is_lead_auditor", is_lead_auditor)):
        if value is not None and getattr(profile, name) != value:
            setattr(profile, name, value)
            fields.append(name)
    if fields:
        profile.save(update_fields=fields)
    if listed_consent is not None:
        register_consent_set(profile=profile, granted=listed_consent, actor=profile.user)
    return profile


# --- applications ---------------------------------------------------------------------

S = Application.Status
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.IN_TRAINING, S.READY_FOR_REVIEW, S.REJECTED},
    S.IN_TRAINING: {S.READY_FOR_REVIEW, S.REJECTED},
    S.READY_FOR_REVIEW: {S.GRANTED, S.REJECTED, S.IN_TRAINING},
    S.GRANTED: set(),
    S.REJECTED: set(),
}


def application_move(*, application: Application, to: str, by=None, note: str = "") -> Application:
    """Moves the application to status ``to`` if ``APPLICATION_TRANSITIONS`` allows it and
    records the move as an ``ApplicationStatusChange`` row (by whom, with a note). The one
    place a status changes; the caller holds the row lock (``lock_application``)."""
    if to not in APPLICATION_TRANSITIONS[application.status]:
        raise AccreditationError(
            _("An application cannot move from “%(from)s” to “%(to)s”.")
            % {"from": application.get_status_display(), "to": S(to).label}
        )
    ApplicationStatusChange.objects.create(
        application=application, from_status=application.status, to_status=to, by=by, note=note
    )
    application.status = to
    fields = ["status"]
    if to == S.SUBMITTED:
        application.submitted_at = timezone.now()
        fields.append("submitted_at")
    if to in (S.GRANTED, S.REJECTED):
        application.decided_at = timezone.now()
        fields.append("decided_at")
    application.save(update_fields=fields)
    return application


def lock_application(*, application: Application) -> Application:
    """Locks the row and refreshes the caller's instance (so callers see the new status)."""
    list(Application.objects.select_for_update().filter(pk=application.pk).values("pk"))
    application.refresh_from_db()
    return application


def _validate_scope_request(
    standard_version: StandardVersion, sectors: Iterable[Sector], countries: Iterable[str]
) -> tuple[list[Sector], list[str]]:
    sectors = list(sectors)
    countries = sorted({c.strip().upper() for c in countries if c and c.strip()})
    if not sectors:
        raise AccreditationError(_("Name at least one sector."))
    if not countries:
        raise AccreditationError(_("Name at least one country."))
    allowed = set(standard_version.sectors.values_list("pk", flat=True))
    wrong = [s.name for s in sectors if s.pk not in allowed]
    if wrong:
        raise AccreditationError(
            _("Not sectors of %(version)s: %(sectors)s")
            % {"version": standard_version, "sectors": ", ".join(wrong)}
        )
    unknown = [c for c in countries if c not in dict(country_registry)]
    if unknown:
        raise AccreditationError(
            _("Unknown country codes: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    return sectors, countries


@transaction.atomic
def application_create(
    *,
    auditor: AuditorProfile,
    firm: AuditFirm,
    standard_version: StandardVersion,
    sectors: Iterable[Sector],
    countries: Iterable[str],
) -> Application:
    """A draft application for a standard version through a firm the auditor works for.
    Naming a firm the auditor is not (or no longer) confirmed with asks the firm to confirm
    them (``affiliation_request``); the accreditation counts only once it does."""
    sectors, countries = _validate_scope_request(standard_version, sectors, countries)
    affiliation_request(auditor=auditor, firm=firm, user=auditor.user)
    application = Application.objects.create(
        auditor=auditor, firm=firm, standard_version=standard_version, countries=countries
    )
    application.sectors.set(sectors)
    ApplicationStatusChange.objects.create(
        application=application, from_status="", to_status=S.DRAFT, by=auditor.user
    )
    return application


@transaction.atomic
def application_update(
    *,
    application: Application,
    sectors: Iterable[Sector],
    countries: Iterable[str],
    firm: AuditFirm | None = None,
) -> Application:
    """Changes a draft's requested scope (and firm)."""
    if application.status != S.DRAFT:
        raise AccreditationError(_("Only a draft application can be changed."))
    sectors, countries = _validate_scope_request(application.standard_version, sectors, countries)
    application.countries = countries
    fields = ["countries"]
    if firm is not None and firm != application.firm:
        affiliation_request(auditor=application.auditor, firm=firm, user=application.auditor.user)
        application.firm = firm
        fields.append("firm")
    application.save(update_fields=fields)
    application.sectors.set(sectors)
    return application


@transaction.atomic
def application_submit(*, application: Application, by) -> Application:
    """Draft -> submitted, then on to "in training" or "ready for review"."""
    application = lock_application(application=application)
    application_move(application=application, to=S.SUBMITTED, by=by)
    audit.record("accreditation.application.submitted", instance=application, user=by)
    return application_refresh_status(application=application)


@transaction.atomic
def application_refresh_status(
    *, application: Application, on: datetime.date | None = None
) -> Application:
    """Moves an open application by itself: to "ready for review" once every requirement is
    met, to "in training" while some are missing. Idempotent; the row is locked first, so
    two callers at once record one move, not two.

    Called where an input changes, never by a page view: submission, evidence review, a
    learner's record changing (``applications_refresh_for_user``: a course completed, a quiz
    or exam finalised, an assignment accepted), a programme's requirements edited
    (``applications_refresh_for_version``) and the daily run (recency windows lapse)."""
    if application.status not in OPEN_APPLICATION_STATUSES:
        return application
    application = lock_application(application=application)
    if application.status not in OPEN_APPLICATION_STATUSES:
        return application
    met = selectors.all_requirements_met(application=application, on=on)
    if met and application.status != S.READY_FOR_REVIEW:
        application_move(
            application=application, to=S.READY_FOR_REVIEW, note="every requirement is met"
        )
    elif not met and application.status in (S.SUBMITTED, S.READY_FOR_REVIEW):
        application_move(application=application, to=S.IN_TRAINING, note="requirements missing")
    return application


def applications_refresh_for_user(*, user) -> int:
    """Re-checks the person's open applications after their learning record changed (the
    ``courses_learning_record_changed`` and ``quiz_attempt_finalised`` hooks in
    ``accreditation.wagtail_hooks``). Returns how many moved."""
    return _refresh_each(
        Application.objects.filter(auditor__user=user, status__in=OPEN_APPLICATION_STATUSES)
    )


def applications_refresh_for_version(*, standard_version: StandardVersion) -> int:
    """Re-checks the open applications for a standard version after its programme's
    requirements were edited. Returns how many moved."""
    return _refresh_each(
        Application.objects.filter(
            standard_version=standard_version, status__in=OPEN_APPLICATION_STATUSES
        )
    )


def _refresh_each(applications) -> int:
    moved = 0
    for application in applications:
        before = application.status
        if application_refresh_status(application=application).status != before:
            moved += 1
    return moved


@transaction.atomic
def application_reject(*, application: Application, actor, reason: str) -> Application:
    reason = clean_reason(reason)
    application = lock_application(application=application)
    application_move(application=application, to=S.REJECTED, by=actor, note=reason)
    record_decision(
        action="accreditation.application.rejected",
        user=actor,
        reason=reason,
        application=application,
    )
    return application


@transaction.atomic
def application_withdraw_draft(*, application: Application) -> None:
    """An auditor deletes their own draft (nothing was decided on it)."""
    if application.status != S.DRAFT:
        raise AccreditationError(_("Only a draft application can be deleted."))
    application.evidence.all().delete()
    application.history.all().delete()
    application.delete()


# --- evidence -------------------------------------------------------------------------


@transaction.atomic
def evidence_upload(
    *,
    application: Application,
    file,
    description: str,
    requirement: Requirement | None = None,
) -> Evidence:
    """The auditor uploads a document for an "evidence accepted by staff" requirement."""
    if application.status in (S.GRANTED, S.REJECTED):
        raise AccreditationError(_("This application is closed."))
    if requirement is not None:
        if requirement.programme.standard_version_id != application.standard_version_id:
            raise AccreditationError(_("That requirement is not part of this programme."))
        if requirement.kind != Requirement.Kind.EVIDENCE_ACCEPTED:
            raise AccreditationError(_("That requirement does not ask for evidence."))
    evidence = Evidence.objects.create(
        application=application,
        requirement=requirement,
        description=description.strip() or (requirement.title if requirement else ""),
        file=file,
        original_filename=_download_name(getattr(file, "name", "") or ""),
    )
    audit.record(
        "accreditation.evidence.uploaded",
        instance=application,
        user=application.auditor.user,
        data={
            "evidence": evidence.pk,
            "description": evidence.description,
            "requirement": evidence.requirement_id,
        },
    )
    return evidence


def _download_name(filename: str) -> str:
    """The name the auditor's file had, without any folder, for the download later."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1][:255]


@transaction.atomic
def evidence_review(*, evidence: Evidence, actor, accept: bool, reason: str) -> Evidence:
    """Staff accept or reject a document; an accepted one meets its requirement from the
    review date on. The application then moves by itself if everything is met."""
    reason = clean_reason(reason)
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.status != Evidence.Status.PENDING:
        raise AccreditationError(_("This evidence was already reviewed."))
    evidence.status = Evidence.Status.ACCEPTED if accept else Evidence.Status.REJECTED
    evidence.reviewed_by = actor
    evidence.reviewed_at = timezone.now()
    evidence.review_note = reason
    evidence.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record_decision(
        action="accreditation.evidence.accepted" if accept else "accreditation.evidence.rejected",
        user=actor,
        reason=reason,
        application=evidence.application,
        data={
            "evidence": evidence.pk,
            "description": evidence.description,
            "requirement": evidence.requirement_id,
        },
    )
    application_refresh_status(application=evidence.application)
    return evidence
