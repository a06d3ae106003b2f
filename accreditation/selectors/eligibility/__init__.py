"""Reads of the accreditation app, above all the eligibility engine.

``check_eligibility`` answers "may this auditor audit this standard, sector and country on
this date?" with every reason why not, for today or any past date, from the history rows
(scope status changes, firm periods and status changes, completion dates).

The rules, in order:

1. an accreditation for the standard (any version) whose scope holds the (sector, country)
   element, inside the element's dates and with status "active" on the date;
2. the auditor works for the firm on the date: an affiliation the firm confirmed, with the
   date between its ``since`` and ``until`` (a pending or declined request, or none, does
   not count; an ended one counts up to its last day);
3. the firm is accredited on the date: a firm period covers it and no suspension or
   withdrawal is in force. An imported accreditation counts its firm as accredited over
   the element's own dates, until staff record a suspension or withdrawal;
4. when the firm's own scope is recorded for the standard, it covers the sector and country;
5. every requirement of the accreditation's programme is current on the date (recency
   windows; sector-specific requirements only for that sector) and, after the transition
   deadline of the version in force on the date, its transition training is done.
   Imported accreditations skip requirement checks: their training history lives in the
   old system.

And one rule about the person, whatever the accreditation: once a code of conduct version
exists, the auditor has accepted the version in force on the date (an acceptance dated that
day or before; ``conduct_problems_on``). Imported accreditations too. While no version
exists, nothing is asked.

Payment is never looked at.
"""

# The package's modules, re-exported here:
# - ``reference``: small date helpers and the reference data (standards, sectors, versions);
# - ``history``: statuses on a date from the history rows (scope elements, firms,
#   affiliations, the code of conduct), rules 1 to 4 and the code of conduct rule;
# - ``requirements``: the programme's requirements and when they were met, rule 5;
# - ``engine``: ``check_eligibility`` and the rules applied to one accreditation.

from accreditation.selectors.eligibility.engine import (
    READ_IT,
    Eligibility,
    accreditations_with_scope,
    answer_from_candidates,
    check_accreditation_on,
    check_eligibility,
    element_problems_on,
)
from accreditation.selectors.eligibility.history import (
    _firm_scope_by_standard as _firm_scope_by_standard,
)
from accreditation.selectors.eligibility.history import (
    affiliation_problem_on,
    conduct_problem_on,
    conduct_problems_on,
    element_active_on,
    element_problem_on,
    element_status_on,
    firm_accredited_on,
    firm_problem_on,
    firm_scope_problem_on,
    firm_status_on,
)
from accreditation.selectors.eligibility.reference import _as_date as _as_date
from accreditation.selectors.eligibility.reference import _country_name as _country_name
from accreditation.selectors.eligibility.reference import (
    add_months,
    current_versions,
    element_label,
    months_between,
    resolve_sector,
    resolve_standard,
    version_in_force,
)
from accreditation.selectors.eligibility.requirements import (
    _applies_to_sector as _applies_to_sector,
)
from accreditation.selectors.eligibility.requirements import _not_met_text as _not_met_text
from accreditation.selectors.eligibility.requirements import (
    requirement_met_on,
    requirement_problem_on,
    requirements_of,
)

__all__ = [
    "READ_IT",
    "Eligibility",
    "accreditations_with_scope",
    "add_months",
    "affiliation_problem_on",
    "answer_from_candidates",
    "check_accreditation_on",
    "check_eligibility",
    "conduct_problem_on",
    "conduct_problems_on",
    "current_versions",
    "element_active_on",
    "element_label",
    "element_problem_on",
    "element_problems_on",
    "element_status_on",
    "firm_accredited_on",
    "firm_problem_on",
    "firm_scope_problem_on",
    "firm_status_on",
    "months_between",
    "requirement_met_on",
    "requirement_problem_on",
    "requirements_of",
    "resolve_sector",
    "resolve_standard",
    "version_in_force",
]
