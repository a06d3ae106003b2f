"""Reads for the auditor's pages, the review screen and the dashboard: what is missing,
applications, accreditations and their scope on a date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import (
    Accreditation,
    Application,
    AuditFirm,
    AuditorProfile,
    Evidence,
    FirmAccreditationPeriod,
    FirmStatusChange,
    Requirement,
    ScopeElement,
    ScopeStatus,
)
from accreditation.selectors.eligibility import (
    accreditations_with_scope,
    add_months,
    element_status_on,
    firm_status_on,
    requirement_problem_on,
    requirements_of,
)
from lms.formats import local_date

if TYPE_CHECKING:
    from accreditation.selectors.batch_eligibility import EligibilityFacts

# --- applications and what is missing ------------------------------------------------


@dataclass
class RequirementStatus:
    """One requirement of an application's programme, met or not, for the auditor's page."""

    requirement: Requirement
    met: bool
    met_on: datetime.date | None
    detail: str
    url: str | None = None
    pending_evidence: int = 0


def _requirement_url(requirement: Requirement, application: Application) -> str | None:
    try:
        if requirement.kind == Requirement.Kind.COURSE_COMPLETED and requirement.course:
            return requirement.course.get_absolute_url()
        if requirement.quiz is not None and requirement.kind in (
            Requirement.Kind.QUIZ_PASSED,
            Requirement.Kind.EXAM_PASSED,
        ):
            return requirement.quiz.get_absolute_url()
        if requirement.kind == Requirement.Kind.EVIDENCE_ACCEPTED:
            return (
                reverse("accreditation:evidence_upload", kwargs={"pk": application.pk})
                + f"?requirement={requirement.pk}"
            )
        if requirement.kind == Requirement.Kind.ASSIGNMENT_ACCEPTED and requirement.assignment:
            url = getattr(requirement.assignment, "get_absolute_url", None)
            return url() if url else None
    except NoReverseMatch:
        return None
    return None


def applicable_requirements(
    application: Application, *, facts: EligibilityFacts | None = None
) -> list[Requirement]:
    """The programme's requirements that apply to the sectors the application asks for
    (``facts``: the requirements already read, ``selectors.batch_eligibility``)."""
    sector_ids = {sector.pk for sector in application.sectors.all()}
    rules_of = requirements_of if facts is None else facts.requirements_of
    return rules_of(version=application.standard_version, sector_ids=sector_ids)


def requirements_status(
    *,
    application: Application,
    on: datetime.date | None = None,
    facts: EligibilityFacts | None = None,
) -> list[RequirementStatus]:
    """Requirement by requirement: met or not today (or ``on``), with a line of detail and
    a link to the course, quiz, exam or evidence upload. ``facts``: what the rules read,
    already read for many applicants (``selectors.batch_eligibility``; then the
    application's ``sectors`` and ``evidence`` should be prefetched)."""
    on = on or timezone.localdate()
    user = application.auditor.user
    pending = {}
    uploaded = set()
    for evidence in application.evidence.all():
        uploaded.add(evidence.requirement_id)
        if evidence.status == Evidence.Status.PENDING:
            pending[evidence.requirement_id] = pending.get(evidence.requirement_id, 0) + 1
    statuses = []
    for requirement in applicable_requirements(application, facts=facts):
        problem, met_on = requirement_problem_on(user, requirement, on, facts=facts)
        if problem is None:
            detail = _("Met on %(date)s") % {"date": local_date(met_on)}
            if requirement.recency_months:
                detail += " · " + _("valid until %(date)s") % {
                    "date": local_date(add_months(met_on, requirement.recency_months))
                }
        elif requirement.kind == Requirement.Kind.EVIDENCE_ACCEPTED and pending.get(requirement.pk):
            detail = _("Evidence uploaded; waiting for review by staff")
        elif (
            requirement.kind == Requirement.Kind.EVIDENCE_ACCEPTED
            and requirement.pk not in uploaded
        ):
            detail = _("Missing: nothing uploaded yet")
        else:
            detail = problem[:1].upper() + problem[1:]
        statuses.append(
            RequirementStatus(
                requirement=requirement,
                met=problem is None,
                met_on=met_on if problem is None else None,
                detail=detail,
                url=_requirement_url(requirement, application),
                pending_evidence=pending.get(requirement.pk, 0),
            )
        )
    return statuses


def all_requirements_met(*, application: Application, on: datetime.date | None = None) -> bool:
    return all(s.met for s in requirements_status(application=application, on=on))


def applications_of(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(auditor__user=user)
        .select_related("firm", "standard_version__standard")
        .prefetch_related("sectors")
    )


def firms_open_to_applications(on: datetime.date | None = None) -> QuerySet[AuditFirm]:
    """The firms an auditor may apply through on ``on`` (today): not suspended or withdrawn
    (a suspension dated later still lets them apply now)."""
    on = on or timezone.localdate()
    firms = AuditFirm.objects.prefetch_related("status_changes")
    active = [
        firm.pk for firm in firms if firm_status_on(firm, on)[0] == FirmStatusChange.Status.ACTIVE
    ]
    return AuditFirm.objects.filter(pk__in=active).order_by("name")


def open_applications_for_standard(*, user, standard) -> QuerySet[Application]:
    """The person's applications for any version of ``standard`` not decided yet (the apply
    page warns before a second one is started)."""
    return applications_of(user=user).filter(
        standard_version__standard=standard,
        status__in=[
            Application.Status.DRAFT,
            Application.Status.SUBMITTED,
            Application.Status.IN_TRAINING,
            Application.Status.READY_FOR_REVIEW,
        ],
    )


def accreditations_of(*, user) -> list[Accreditation]:
    return list(accreditations_with_scope().filter(auditor__user=user))


def accreditation_valid_until(accreditation: Accreditation) -> datetime.date | None:
    """The latest end date of the accreditation's scope elements."""
    dates = [e.valid_until for e in accreditation.scope.all()]
    return max(dates) if dates else None


@dataclass
class ElementView:
    element: ScopeElement
    status: str
    status_label: str
    since: datetime.date | None


def scope_on(accreditation: Accreditation, on: datetime.date | None = None) -> list[ElementView]:
    """Each scope element with its effective status on ``on`` (expired past its end date)."""
    on = on or timezone.localdate()
    views = []
    for element in accreditation.scope.all():
        status, since = element_status_on(element, on)
        if status == ScopeStatus.ACTIVE and on > element.valid_until:
            status, since = ScopeStatus.EXPIRED, element.valid_until + datetime.timedelta(days=1)
        if status is None:
            status = "pending"
        label = dict(ScopeStatus.choices).get(status, _("Not yet active"))
        views.append(ElementView(element=element, status=status, status_label=label, since=since))
    return views


def accreditation_status_on(accreditation: Accreditation, on: datetime.date | None = None) -> str:
    """A one-word summary: active when any element is active, else the most telling status."""
    statuses = {v.status for v in scope_on(accreditation, on)}
    for status in (
        ScopeStatus.ACTIVE,
        ScopeStatus.SUSPENDED,
        ScopeStatus.EXPIRED,
        ScopeStatus.WITHDRAWN,
        ScopeStatus.REDUCED,
    ):
        if status in statuses:
            return status
    return "pending"


def firm_periods(firm: AuditFirm) -> QuerySet[FirmAccreditationPeriod]:
    return firm.periods.order_by("valid_from")


def is_applicable_auditor(user) -> bool:
    return AuditorProfile.objects.filter(user=user).exists()


def auditor_dashboard(*, user) -> dict | None:
    """What the learner dashboard's "Accreditation" panel shows a person with an auditor
    profile (None for anyone else): each application, each accreditation with its status
    and end date, and the next date an active one expires."""
    if not user.is_authenticated or not is_applicable_auditor(user):
        return None
    accreditations = [
        {
            "accreditation": accreditation,
            "status": accreditation_status_on(accreditation),
            "valid_until": accreditation_valid_until(accreditation),
        }
        for accreditation in accreditations_of(user=user)
    ]
    upcoming = [
        row["valid_until"]
        for row in accreditations
        if row["status"] == ScopeStatus.ACTIVE and row["valid_until"]
    ]
    return {
        "applications": applications_of(user=user),
        "accreditations": accreditations,
        "next_expiry": min(upcoming) if upcoming else None,
    }
