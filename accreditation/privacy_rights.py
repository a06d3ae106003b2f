"""Accreditation's part of the retention schedule (``lms.privacy.retention``) and of
erasure (``lms.privacy.erasure``, the ``privacy_erasure`` hook, at the end of this module).

Evidence files (CVs, training certificates) are kept while the accreditation they
supported lasts and for ``PRIVACY_EVIDENCE_YEARS`` (6) years after it ends; those of an
application rejected that long ago go too. The evidence row stays (what was sent, when,
and how it was reviewed) with its file deleted from the private storage and one audit
entry per file. Registered through the ``privacy_retention_rules`` hook; imported from
``accreditation/wagtail_hooks.py``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import ModelLogEntry

from accreditation.cache import purge_on_commit
from accreditation.models import (
    DECISION_ACTIONS,
    Accreditation,
    Application,
    AuditorProfile,
    Evidence,
    RegisterConsent,
    RegisteredSpecialist,
    ReminderSent,
    ScopeStatus,
)
from accreditation.selectors.decisions import decisions_about
from accreditation.services.consent import register_consent_set
from lms import audit
from lms.privacy.erasure import ErasurePart, PlanLine, count_label, delete_file_after_commit
from lms.privacy.export import ExportFile, by_whom
from lms.privacy.retention import Outcome, RetentionRule, setting, years_before

# A scope element stops for good on the date of one of these status changes.
FINAL_STATUSES = {ScopeStatus.WITHDRAWN, ScopeStatus.REDUCED, ScopeStatus.EXPIRED}


def accreditation_ended_on(accreditation: Accreditation) -> datetime.date | None:
    """The last day any scope element of the accreditation was valid: each element ends at
    its ``valid_until`` or, when its latest status change is final (withdrawn, removed from
    scope, expired), on that change's date if earlier. None without scope elements.
    Expects ``scope`` and ``scope__changes`` prefetched."""
    ends = []
    for element in accreditation.scope.all():
        end = element.valid_until
        changes = list(element.changes.all())
        if changes and changes[-1].status in FINAL_STATUSES:
            end = min(end, changes[-1].effective_from)
        ends.append(end)
    return max(ends) if ends else None


def _due_evidence(today: datetime.date) -> tuple[datetime.date, list[tuple[Evidence, str]]]:
    cutoff = years_before(today, setting("PRIVACY_EVIDENCE_YEARS", 6))
    candidates = (
        Evidence.objects.exclude(file="")
        .filter(
            Q(application__accreditation__isnull=False)
            | Q(
                application__status=Application.Status.REJECTED,
                application__decided_at__date__lt=cutoff,
            )
        )
        .select_related("application__accreditation")
        .prefetch_related("application__accreditation__scope__changes")
        .order_by("pk")
    )
    due = []
    for evidence in candidates:
        application = evidence.application
        if application.status == Application.Status.REJECTED:
            ended = application.decided_at.date() if application.decided_at else None
        else:
            ended = accreditation_ended_on(application.accreditation)
        if ended is not None and ended < cutoff:
            due.append((evidence, ended.isoformat()))
    return cutoff, due


def evidence_files(*, now: datetime.datetime, dry_run: bool) -> Outcome:
    cutoff, due = _due_evidence(timezone.localdate(now))
    if dry_run:
        return Outcome(count=len(due), noun="evidence files", cutoff=cutoff)
    for evidence, ended in due:
        name, storage = evidence.file.name, evidence.file.storage
        evidence.file = ""
        evidence.save(update_fields=["file"])
        audit.record(
            "accreditation.evidence.file_deleted",
            instance=evidence,
            data={
                "rule": "evidence-files",
                "application_id": evidence.application_id,
                "ended": ended,
                "file": evidence.original_filename,
            },
        )
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return Outcome(count=len(due), noun="evidence files", cutoff=cutoff, ids=[e.pk for e, _ in due])


@hooks.register("privacy_retention_rules")
def accreditation_retention_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            "evidence-files",
            "Evidence files of accreditations that ended long ago",
            evidence_files,
        )
    ]


@hooks.register("register_log_actions")
def register_retention_log_actions(actions):
    actions.register_action(
        "accreditation.evidence.file_deleted",
        _("Delete evidence file (retention)"),
        _("Evidence file deleted under the retention schedule"),
    )


# --- erasure (``lms.privacy.erasure``) ----------------------------------------------------


def _decision_entries(application_ids: list[int], accreditation_ids: list[int]):
    return ModelLogEntry.objects.filter(action__in=list(DECISION_ACTIONS)).filter(
        Q(data__application__in=application_ids) | Q(data__accreditation__in=accreditation_ids)
    )


def erasure_part(user):
    """An auditor's part: the profile's own words, the register consent (the public listing
    goes at once), evidence files, firm administration and reminder records are erased;
    applications, accreditations, affiliations and decisions are kept under the pseudonym
    for the legal retention period of decisions about accreditation."""
    profile = AuditorProfile.objects.filter(user=user).first()
    firms = user.administered_firms.count()
    reminders = ReminderSent.objects.filter(recipient__iexact=user.email).count()
    if profile is None and not firms and not reminders:
        return None
    erased, kept = [], []
    evidence = Evidence.objects.none()
    applications: list[int] = []
    accreditations: list[int] = []
    if profile is not None:
        evidence = Evidence.objects.filter(application__auditor=profile)
        applications = list(profile.applications.values_list("pk", flat=True))
        accreditations = list(profile.accreditations.values_list("pk", flat=True))
        erased.append(PlanLine(_("Languages on the auditor profile")))
        if profile.listed_consent:
            erased.append(
                PlanLine(_("Consent to be named on the public register (withdrawn at once)"))
            )
        files = evidence.exclude(file="").count()
        erased.append(
            PlanLine(
                count_label(
                    evidence.count(),
                    _("Descriptions of %(count)s evidence document"),
                    _("Descriptions of %(count)s evidence documents"),
                )
            )
        )
        erased.append(
            PlanLine(
                count_label(files, _("%(count)s evidence file"), _("%(count)s evidence files"))
            )
        )
        retention = _(
            "Records of decisions about accreditation the body must keep (at least "
            "%(years)s years after the accreditation ends); they stay, under the pseudonym."
        ) % {"years": setting("PRIVACY_EVIDENCE_YEARS", 6)}
        kept += [
            PlanLine(
                count_label(
                    len(applications),
                    _("%(count)s application and its status history"),
                    _("%(count)s applications and their status history"),
                ),
                retention,
            ),
            PlanLine(
                count_label(
                    len(accreditations),
                    _("%(count)s accreditation with its scope and certificate code"),
                    _("%(count)s accreditations with their scope and certificate codes"),
                ),
                retention,
            ),
            PlanLine(
                count_label(
                    _decision_entries(applications, accreditations).count(),
                    _("%(count)s decision in the decisions log"),
                    _("%(count)s decisions in the decisions log"),
                ),
                retention,
            ),
            PlanLine(
                count_label(
                    profile.affiliations.count(),
                    _("%(count)s affiliation to a firm"),
                    _("%(count)s affiliations to firms"),
                ),
                _("The firms' history of who audited for them, under the pseudonym."),
            ),
        ]
    if firms:
        erased.append(
            PlanLine(
                count_label(
                    firms,
                    _("Administration of %(count)s audit firm"),
                    _("Administration of %(count)s audit firms"),
                )
            )
        )
    if reminders:
        erased.append(
            PlanLine(
                count_label(
                    reminders, _("%(count)s reminder record"), _("%(count)s reminder records")
                )
            )
        )

    def erase(user, pseudonym: str) -> dict[str, int]:
        counts = {"firm_admin_roles": user.administered_firms.count()}
        user.administered_firms.clear()
        counts["reminders"] = ReminderSent.objects.filter(recipient__iexact=user.email).delete()[0]
        if profile is not None:
            register_consent_set(
                profile=profile, granted=False, source=RegisterConsent.Source.ERASURE
            )
            profile.languages = ""
            profile.save(update_fields=["languages"])
            files = 0
            for item in Evidence.objects.filter(application__auditor=profile):
                files += int(delete_file_after_commit(item.file))
                item.file = ""
                item.original_filename = ""
                item.description = ""
                item.save(update_fields=["file", "original_filename", "description"])
            counts["evidence_files"] = files
            counts["register_listing"] = 1
        purge_on_commit()  # the public register forgets the person at once
        return counts

    return ErasurePart(
        code="accreditation",
        title=str(_("Accreditation")),
        erased=erased,
        kept=kept,
        erase=erase,
    )


hooks.register("privacy_erasure", erasure_part)


# --- "Download my data" (``lms.privacy.export``, the ``privacy_export`` hook) ---------------
#
# The auditor profile with the register consents, affiliations to firms, applications with
# their status history, evidence (the files themselves under ``files/evidence/``), the
# decisions about the person's applications and accreditations (from the decisions log),
# and the accreditations with their scope and its dated statuses. Staff appear as "staff".


def _decision(record) -> dict:
    return {
        "at": record.at,
        "decision": record.action_title,
        "by": "system" if record.actor is None else "staff",
        "reason": record.reason,
        "details": record.payload,
    }


def _scope(accreditation: Accreditation) -> list[dict]:
    return [
        {
            "sector": element.sector.name,
            "country": str(element.country),
            "valid_from": element.valid_from,
            "valid_until": element.valid_until,
            "statuses": [
                {"status": change.get_status_display(), "from": change.effective_from}
                for change in element.changes.all()
            ],
        }
        for element in accreditation.scope.all()
    ]


def export_part(user) -> dict:
    profile = AuditorProfile.objects.filter(user=user).first()
    if profile is None:
        return {}
    applications = list(
        Application.objects.filter(auditor=profile)
        .select_related("firm", "standard_version__standard")
        .prefetch_related("sectors", "history", "evidence__requirement")
        .order_by("created_at", "pk")
    )
    accreditations = list(
        Accreditation.objects.filter(auditor=profile)
        .select_related("firm", "standard_version__standard")
        .prefetch_related("scope__sector", "scope__changes")
        .order_by("granted_at", "pk")
    )
    seen: set[int] = set()
    decisions = []
    for target in [{"application": a} for a in applications] + [
        {"accreditation": a} for a in accreditations
    ]:
        for record in decisions_about(**target):
            if record.entry.pk not in seen:
                seen.add(record.entry.pk)
                decisions.append(record)
    decisions.sort(key=lambda record: (record.at, record.entry.pk))
    return {
        "auditor_profile": {
            "lead_auditor": profile.is_lead_auditor,
            "languages": profile.languages,
            "named_on_the_public_register": profile.listed_consent,
            "created_at": profile.created_at,
            "register_consents": [
                {
                    "consents": consent.granted,
                    "at": consent.at,
                    "how": consent.get_source_display(),
                    "by": by_whom(consent.by_id, user),
                }
                for consent in profile.register_consents.order_by("at", "pk")
            ],
            "code_of_conduct_acceptances": [
                {
                    "version": acceptance.version.label,
                    "title": acceptance.version.title,
                    "in_force_from": acceptance.version.in_force_from,
                    "accepted_at": acceptance.accepted_at,
                }
                for acceptance in profile.conduct_acceptances.select_related("version").order_by(
                    "accepted_at", "pk"
                )
            ],
        },
        "affiliations": [
            {
                "firm": affiliation.firm.name,
                "status": affiliation.get_status_display(),
                "since": affiliation.since,
                "until": affiliation.until,
                "requested_at": affiliation.requested_at,
                "decided_at": affiliation.decided_at,
                "decided_by": by_whom(affiliation.decided_by_id, user)
                if affiliation.decided_at
                else None,
                "reason_for_declining": affiliation.decline_reason,
            }
            for affiliation in profile.affiliations.select_related("firm").order_by("pk")
        ],
        "applications": [
            {
                "id": application.pk,
                "firm": application.firm.name,
                "standard": str(application.standard_version),
                "status": application.get_status_display(),
                "sectors": [sector.name for sector in application.sectors.all()],
                "countries": application.countries,
                "created_at": application.created_at,
                "submitted_at": application.submitted_at,
                "decided_at": application.decided_at,
                "status_history": [
                    {
                        "from": change.from_label,
                        "to": change.to_label,
                        "at": change.at,
                        "by": by_whom(change.by_id, user),
                        "note": change.note,
                    }
                    for change in application.history.all()
                ],
            }
            for application in applications
        ],
        "evidence": [
            {
                "application": application.pk,
                "requirement": evidence.requirement.title if evidence.requirement else None,
                "description": evidence.description,
                "file_name": evidence.original_filename,
                "file": ExportFile(
                    evidence.file,
                    f"{evidence.pk}-{evidence.original_filename or evidence.file.name}",
                    folder="evidence",
                )
                if evidence.file
                else None,
                "uploaded_at": evidence.uploaded_at,
                "status": evidence.get_status_display(),
                "reviewed_at": evidence.reviewed_at,
                "review_note": evidence.review_note,
            }
            for application in applications
            for evidence in application.evidence.all()
        ],
        "decisions": [_decision(record) for record in decisions],
        "accreditations": [
            {
                "certificate_code": accreditation.code,
                "firm": accreditation.firm.name,
                "standard": str(accreditation.standard_version),
                "granted_at": accreditation.granted_at,
                "how": accreditation.get_source_display(),
                "application": accreditation.application_id,
                "scope": _scope(accreditation),
            }
            for accreditation in accreditations
        ],
    }


hooks.register("privacy_export", export_part, order=50)


# --- Registered specialists: "download my data" and erasure ---------------------------------
#
# A specialist record linked to the person's account is theirs: it is in their export, and
# erasure takes it off the register (withdrawn, consent cleared) and replaces its name,
# description and contact e-mail by the pseudonym / nothing. The row stays, withdrawn, as
# the record of who was listed and when.


def specialist_export_part(user) -> dict:
    specialist = (
        RegisteredSpecialist.objects.filter(user=user)
        .select_related("firm")
        .prefetch_related("standards")
        .first()
    )
    if specialist is None:
        return {}
    return {
        "registered_specialist": {
            "name": specialist.full_name,
            "organisation": specialist.organisation,
            "audit_firm": specialist.firm.name if specialist.firm_id else None,
            "country": str(specialist.country),
            "expertise": specialist.expertise_labels,
            "description": specialist.description,
            "languages": specialist.language_labels,
            "standards": [standard.name for standard in specialist.standards.all()],
            "status": specialist.get_status_display(),
            "listed_from": specialist.listed_from,
            "listed_until": specialist.listed_until,
            "public_contact_email": specialist.public_email,
            "consent_to_publication_given_on": specialist.publication_consent_on,
            "shown_on_the_public_register_today": specialist.is_listed_on(timezone.localdate()),
            "created_at": specialist.created_at,
        }
    }


hooks.register("privacy_export", specialist_export_part, order=51)


def specialist_erasure_part(user):
    if not RegisteredSpecialist.objects.filter(user=user).exists():
        return None

    def erase(user, pseudonym: str) -> dict[str, int]:
        changed = RegisteredSpecialist.objects.filter(user=user).update(
            full_name=pseudonym,
            description="",
            public_email="",
            status=RegisteredSpecialist.Status.WITHDRAWN,
            publication_consent_on=None,
            updated_at=timezone.now(),
        )
        purge_on_commit()  # ``update`` sends no signal: the register forgets them at once
        return {"registered_specialist": changed}

    return ErasurePart(
        code="registered_specialist",
        title=str(_("Registered specialist")),
        erased=[
            PlanLine(
                _(
                    "Your listing as a registered specialist: name, description and contact "
                    "e-mail (taken off the public register at once)"
                )
            )
        ],
        kept=[
            PlanLine(
                _("That a specialist was listed, and when (withdrawn, under the pseudonym)"),
                _("The register's record of who was listed and when."),
            )
        ],
        erase=erase,
    )


hooks.register("privacy_erasure", specialist_erasure_part)
