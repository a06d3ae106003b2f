"""Reads of the accreditation app (re-exported from the modules of this package).

- ``eligibility``: the eligibility engine (``check_eligibility``; its rules are written out in
  the module docstring) and what it stands on: statuses on a date, requirements, the one
  prefetched accreditation queryset (``accreditations_with_scope``);
- ``applications``: what an application still needs, the auditor's pages and dashboard panel;
- ``verification``: what a certificate says today (the /verify/ page and the PDF);
- ``firm_overview``: the firm admin's page;
- ``affiliations``: requests to join a firm and the firm's affiliations (firm admins, staff),
  an auditor's own;
- ``decisions``: the decisions log, read from Wagtail's audit log.
"""

from accreditation.selectors.affiliations import (
    AFFILIATION_FILTERS,
    AFFILIATION_PENDING,
    affiliation_counts_today,
    affiliations_of,
    firm_affiliations,
)
from accreditation.selectors.applications import (
    ElementView,
    RequirementStatus,
    accreditation_status_on,
    accreditation_valid_until,
    accreditations_of,
    all_requirements_met,
    applicable_requirements,
    applications_of,
    auditor_dashboard,
    firm_periods,
    firms_open_to_applications,
    is_applicable_auditor,
    open_applications_for_standard,
    requirements_status,
    scope_on,
)
from accreditation.selectors.decisions import DecisionRecord, decision_of, decisions_about
from accreditation.selectors.eligibility import (
    Eligibility,
    accreditations_with_scope,
    add_months,
    affiliation_problem_on,
    check_accreditation_on,
    check_eligibility,
    current_versions,
    element_active_on,
    element_label,
    element_problem_on,
    element_problems_on,
    element_status_on,
    firm_accredited_on,
    firm_problem_on,
    firm_scope_problem_on,
    firm_status_on,
    months_between,
    requirement_met_on,
    requirement_problem_on,
    requirements_of,
    resolve_sector,
    resolve_standard,
    version_in_force,
)
from accreditation.selectors.firm_overview import EXPIRY_WINDOW_DAYS, FirmOverview, firm_overview
from accreditation.selectors.verification import (
    CurrentStatus,
    ScopeLine,
    accreditation_by_code,
    current_status,
    find_accreditation_certificate,
)

__all__ = [
    "AFFILIATION_FILTERS",
    "AFFILIATION_PENDING",
    "affiliation_counts_today",
    "affiliations_of",
    "firm_affiliations",
    "EXPIRY_WINDOW_DAYS",
    "CurrentStatus",
    "DecisionRecord",
    "ElementView",
    "Eligibility",
    "FirmOverview",
    "RequirementStatus",
    "ScopeLine",
    "accreditation_by_code",
    "accreditation_status_on",
    "accreditation_valid_until",
    "accreditations_of",
    "accreditations_with_scope",
    "add_months",
    "affiliation_problem_on",
    "all_requirements_met",
    "applicable_requirements",
    "applications_of",
    "auditor_dashboard",
    "check_accreditation_on",
    "check_eligibility",
    "current_status",
    "current_versions",
    "decision_of",
    "decisions_about",
    "element_active_on",
    "element_label",
    "element_problem_on",
    "element_problems_on",
    "element_status_on",
    "find_accreditation_certificate",
    "firm_accredited_on",
    "firm_overview",
    "firm_periods",
    "firm_problem_on",
    "firm_scope_problem_on",
    "firm_status_on",
    "firms_open_to_applications",
    "is_applicable_auditor",
    "open_applications_for_standard",
    "months_between",
    "requirement_met_on",
    "requirement_problem_on",
    "requirements_of",
    "requirements_status",
    "resolve_sector",
    "resolve_standard",
    "scope_on",
    "version_in_force",
]
