"""What a firm admin sees of their firm: its own accreditation and scope, its auditors with
their training status and scope, and what expires in the next 90 days.

Statuses and training reasons come from the eligibility engine's selectors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import (
    OPEN_APPLICATION_STATUSES,
    Accreditation,
    Affiliation,
    Application,
    AuditFirm,
    AuditorProfile,
    FirmAccreditationPeriod,
    ScopeStatus,
)
from accreditation.register import attach_firm_data
from accreditation.register.queries import with_firm_status
from accreditation.selectors.affiliations import AFFILIATION_PENDING, firm_affiliations
from accreditation.selectors.applications import requirements_status
from accreditation.selectors.batch_eligibility import EligibilityFacts
from accreditation.selectors.eligibility import accreditations_with_scope, check_accreditation_on
from accreditation.selectors.verification import CurrentStatus, current_status

EXPIRY_WINDOW_DAYS = 90
PENDING_SHOWN = 5  # requests to join on the overview; the rest on the firm's requests page


@dataclass
class AccreditationRow:
    accreditation: Accreditation
    state: CurrentStatus


@dataclass
class ApplicationRow:
    application: Application
    met: int
    total: int


@dataclass
class AuditorRow:
    auditor: AuditorProfile
    affiliation: Affiliation
    accreditations: list[AccreditationRow] = field(default_factory=list)
    applications: list[ApplicationRow] = field(default_factory=list)
    training_problems: list[str] = field(default_factory=list)

    @property
    def has_active_scope(self) -> bool:
        return any(row.state.status == ScopeStatus.ACTIVE for row in self.accreditations)


@dataclass
class Expiring:
    on: datetime.date
    what: str
    who: str = ""


@dataclass
class FirmOverview:
    firm: AuditFirm
    auditors: list[AuditorRow]
    expiring: list[Expiring]
    pending: list[Affiliation] = field(default_factory=list)
    pending_count: int = 0


def _training_problems(
    accreditation: Accreditation, state: CurrentStatus, on, facts: EligibilityFacts
) -> list[str]:
    """Training reasons (requirements not current) for the accreditation's active elements."""
    problems: list[str] = []
    if accreditation.source == Accreditation.Source.IMPORTED:
        return problems
    for line in state.lines:
        if line.status != ScopeStatus.ACTIVE:
            continue
        element = line.element
        reasons, _element = check_accreditation_on(
            accreditation,
            element.sector,
            element.country,
            on,
            version=facts.version_in_force(accreditation.standard_version.standard_id),
            conduct=facts.conduct_of(accreditation.auditor_id),
            facts=facts,
        )
        for reason in reasons:
            if reason not in problems and reason != state.firm_problem:
                problems.append(reason)
    return problems


def firm_overview(firm: AuditFirm, on: datetime.date | None = None) -> FirmOverview:
    """The firm admin's view of ``firm`` on ``on`` (today): the firm with its register data,
    its current auditors (confirmed affiliations covering ``on``) with their accreditations,
    open applications and training problems, the requests to join waiting for the firm, and
    what expires within ``EXPIRY_WINDOW_DAYS``, soonest first."""
    on = on or timezone.localdate()
    horizon = on + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    firm = attach_firm_data([with_firm_status(AuditFirm.objects.filter(pk=firm.pk), on).get()], on)[
        0
    ]
    expiring = _firm_expiring(firm, on, horizon)
    affiliations = (
        Affiliation.objects.counting_on(on)
        .filter(firm=firm)
        .select_related("auditor__user")
        .order_by("auditor__user__full_name")
    )
    rows = {a.auditor_id: AuditorRow(auditor=a.auditor, affiliation=a) for a in affiliations}
    # Everything the eligibility rules read, for all the firm's auditors at once.
    accreditations = list(accreditations_with_scope().filter(firm=firm, auditor_id__in=list(rows)))
    applications = list(
        Application.objects.filter(
            firm=firm, auditor_id__in=list(rows), status__in=OPEN_APPLICATION_STATUSES
        )
        .select_related("auditor__user", "standard_version__standard")
        .prefetch_related("sectors", "evidence")
    )
    facts = EligibilityFacts.read(on=on, accreditations=accreditations, applications=applications)
    expiring += _add_accreditations(rows, accreditations, facts, horizon)
    _add_open_applications(rows, applications, facts)
    expiring.sort(key=lambda item: (item.on, item.who, item.what))
    pending = firm_affiliations(firm=firm, status=AFFILIATION_PENDING)
    return FirmOverview(
        firm=firm,
        auditors=list(rows.values()),
        expiring=expiring,
        pending=list(pending[:PENDING_SHOWN]),
        pending_count=pending.count(),
    )


def _firm_expiring(firm: AuditFirm, on: datetime.date, horizon: datetime.date) -> list[Expiring]:
    """The firm's own accreditation (unless already renewed) and scope ending by
    ``horizon``."""
    expiring: list[Expiring] = []
    current = (
        FirmAccreditationPeriod.objects.filter(firm=firm, valid_from__lte=on, valid_until__gte=on)
        .order_by("-valid_until")
        .first()
    )
    if current and on <= current.valid_until <= horizon:
        renewed = FirmAccreditationPeriod.objects.filter(
            firm=firm, valid_from__gt=current.valid_until
        ).exists()
        if not renewed:
            expiring.append(Expiring(on=current.valid_until, what=_("The firm's accreditation")))
    for element in firm.register_scope:
        if element.valid_until and on <= element.valid_until <= horizon:
            expiring.append(
                Expiring(
                    on=element.valid_until,
                    what=_("Firm scope: %(standard)s · %(sector)s · %(country)s")
                    % {
                        "standard": element.sector.standard.code,
                        "sector": element.sector.display_name,
                        "country": element.country.name,
                    },
                )
            )
    return expiring


def _add_accreditations(
    rows: dict[int, AuditorRow],
    accreditations: list[Accreditation],
    facts: EligibilityFacts,
    horizon: datetime.date,
) -> list[Expiring]:
    """Puts each auditor's accreditations through the firm (with status and training
    problems) on their row; returns their active scope ending by ``horizon``."""
    on = facts.on
    expiring: list[Expiring] = []
    for accreditation in accreditations:
        row = rows[accreditation.auditor_id]
        state = current_status(accreditation, on)
        row.accreditations.append(AccreditationRow(accreditation=accreditation, state=state))
        for problem in _training_problems(accreditation, state, on, facts):
            if problem not in row.training_problems:
                row.training_problems.append(problem)
        for line in state.lines:
            until = line.element.valid_until
            if line.status == ScopeStatus.ACTIVE and on <= until <= horizon:
                expiring.append(Expiring(on=until, what=line.text, who=row.auditor.user.full_name))
    return expiring


def _add_open_applications(
    rows: dict[int, AuditorRow], applications: list[Application], facts: EligibilityFacts
) -> None:
    """Puts each auditor's open applications through the firm, with how many requirements
    are met, on their row."""
    for application in applications:
        statuses = requirements_status(application=application, on=facts.on, facts=facts)
        rows[application.auditor_id].applications.append(
            ApplicationRow(
                application=application,
                met=sum(1 for s in statuses if s.met),
                total=len(statuses),
            )
        )
