"""What an accreditation certificate says today: the public /verify/<code>/ page (courses'
``verify_certificate`` hook, registered in ``accreditation/wagtail_hooks.py``) and the PDF.

The page shows the accreditation's status *today* and every scope element's status, so a
suspended or withdrawn accreditation verifies as such. Statuses come from the eligibility
engine's selectors (``scope_on``, ``accreditation_status_on``, ``firm_problem_on``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import Accreditation, ScopeElement, ScopeStatus
from accreditation.selectors.applications import accreditation_status_on, scope_on
from accreditation.selectors.eligibility import accreditations_with_scope, firm_problem_on
from courses.verification import VerificationResult
from lms.formats import local_date


def accreditation_by_code(code: str) -> Accreditation | None:
    """The accreditation with this certificate code, with its history prefetched."""
    return accreditations_with_scope().filter(code=code).first()


@dataclass(frozen=True)
class ScopeLine:
    element: ScopeElement
    status: str
    status_label: str
    since: datetime.date | None

    @property
    def text(self) -> str:
        """E.g. "PS · Casthouse · China — active until 2027-03-31" or "… — suspended"."""
        what = " · ".join(
            [
                self.element.sector.standard.code,
                self.element.sector.display_name,
                self.element.country.name,
            ]
        )
        if self.status == ScopeStatus.ACTIVE:
            state = _("active until %(date)s") % {"date": local_date(self.element.valid_until)}
        elif self.since:
            state = _("%(status)s since %(date)s") % {
                "status": self.status_label.lower(),
                "date": local_date(self.since),
            }
        else:
            state = self.status_label.lower()
        return f"{what} — {state}"


@dataclass(frozen=True)
class CurrentStatus:
    """An accreditation's status today, for the verification page and the certificate."""

    status: str  # active, suspended, expired, withdrawn, reduced or pending
    status_label: str
    valid: bool
    firm_problem: str | None
    lines: list[ScopeLine]
    valid_from: datetime.date | None
    valid_until: datetime.date | None


def current_status(accreditation: Accreditation, on: datetime.date | None = None) -> CurrentStatus:
    """Status and scope on ``on`` (today): valid when an element is active and the firm is
    accredited (an imported accreditation's own dates count as the firm's)."""
    on = on or timezone.localdate()
    views = scope_on(accreditation, on)
    status = accreditation_status_on(accreditation, on)
    elements = [view.element for view in views]
    valid_from = min((e.valid_from for e in elements), default=None)
    valid_until = max((e.valid_until for e in elements), default=None)
    own_dates = None
    if accreditation.source == Accreditation.Source.IMPORTED and valid_from and valid_until:
        own_dates = (valid_from, valid_until)
    firm_problem = firm_problem_on(accreditation.firm, on, own_dates=own_dates)
    valid = status == ScopeStatus.ACTIVE and firm_problem is None
    label = dict(ScopeStatus.choices).get(status, _("Not yet active"))
    if status == ScopeStatus.ACTIVE and firm_problem:
        label = _("Not valid: %(reason)s") % {"reason": firm_problem}
    lines = [
        ScopeLine(
            element=view.element,
            status=view.status,
            status_label=view.status_label,
            since=view.since,
        )
        for view in sorted(
            views,
            key=lambda v: (
                v.element.sector.standard.code,
                v.element.sector.name,
                v.element.country.name,
            ),
        )
    ]
    return CurrentStatus(
        status=status,
        status_label=str(label),
        valid=valid,
        firm_problem=firm_problem,
        lines=lines,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def find_accreditation_certificate(code: str):
    """The /verify/<code>/ lookup for accreditation certificates (None: not ours)."""
    accreditation = accreditation_by_code(code)
    if accreditation is None:
        return None
    state = current_status(accreditation)
    version = accreditation.standard_version
    details: list[tuple[str, str]] = [
        (
            _("Standard"),
            f"{version.standard.display_name} ({version.standard.code} {version.version})",
        ),
        (_("Audit firm"), accreditation.firm.name),
    ]
    if state.firm_problem:
        details.append((_("Audit firm's accreditation"), state.firm_problem))
    details += [(_("Scope"), line.text) for line in state.lines]
    return VerificationResult(
        kind=str(_("Accreditation certificate")),
        holder_name=accreditation.auditor.user.full_name,
        title=_("Accredited auditor: %(standard)s") % {"standard": version.standard.display_name},
        issued_on=timezone.localdate(accreditation.granted_at),
        valid=state.valid,
        status_label=state.status_label,
        details=details,
        valid_until=state.valid_until if state.valid else None,
    )


# --- the staff decision screens ------------------------------------------------------------

# The scope elements each decision on an accreditation can act on, by their status today:
# a suspension only of what is active, a reinstatement only of what is suspended, a
# withdrawal or a reduction only of what is still in scope (active or suspended), a renewal
# of what is active or has expired. The services check again on the effective date
# (``SCOPE_TRANSITIONS`` in ``services/accreditations.py``).
DECISION_ELEMENT_STATUSES: dict[str, frozenset[str]] = {
    "suspend": frozenset({ScopeStatus.ACTIVE}),
    "reinstate": frozenset({ScopeStatus.SUSPENDED}),
    "withdraw": frozenset({ScopeStatus.ACTIVE, ScopeStatus.SUSPENDED}),
    "reduce": frozenset({ScopeStatus.ACTIVE, ScopeStatus.SUSPENDED}),
    "renew": frozenset({ScopeStatus.ACTIVE, ScopeStatus.EXPIRED}),
}


def elements_open_to(
    accreditation: Accreditation, action: str, on: datetime.date | None = None
) -> list[ScopeElement]:
    """The accreditation's scope elements that decision ``action`` may act on today (or
    ``on``): what its form offers. An unknown action offers nothing."""
    wanted = DECISION_ELEMENT_STATUSES.get(action, frozenset())
    return [view.element for view in scope_on(accreditation, on) if view.status in wanted]


def decisions_open(accreditation: Accreditation, on: datetime.date | None = None) -> list[str]:
    """The decisions with at least one scope element to act on today, in the order the
    decision screen shows them."""
    statuses = {view.status for view in scope_on(accreditation, on)}
    return [action for action, wanted in DECISION_ELEMENT_STATUSES.items() if statuses & wanted]


def status_label_today(accreditation: Accreditation) -> str:
    """The accreditation's status as the public verification page states it today ("Active",
    "Suspended", or "Not valid: the firm's accreditation was suspended on …"): the status
    column of the admin's accreditation list."""
    return current_status(accreditation).status_label
