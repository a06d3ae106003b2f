"""Writes of the accreditation app.

Every service is keyword-only, checks state, writes inside ``transaction.atomic()``, logs
each human decision in the append-only ``Decision`` log (who, when, action code, reason,
payload), and after commit sends its e-mail. The public register's cache purges itself on
every save of a model it shows (``accreditation/cache.py``).

Status workflows:
- applications: ``APPLICATION_TRANSITIONS`` (one service, ``_application_move``, moves a status
  and records the move as an ``ApplicationStatusChange`` row);
- scope elements: ``SCOPE_TRANSITIONS``; a change is a ``ScopeStatusChange`` row effective from
  a date, never an overwrite, so past dates keep their answers;
- firms: ``FirmAccreditationPeriod`` rows (granted, renewed yearly) and ``FirmStatusChange``
  rows (suspended, reinstated, withdrawn).
"""

from accreditation.services.accreditations import (
    SCOPE_TRANSITIONS,
    accreditation_grant,
    accreditation_reduce_scope,
    accreditation_reinstate,
    accreditation_renew,
    accreditation_suspend,
    accreditation_withdraw,
    expire_due,
)
from accreditation.services.applications import (
    APPLICATION_TRANSITIONS,
    OPEN_STATUSES,
    S,
    affiliation_add,
    application_create,
    application_refresh_status,
    application_reject,
    application_submit,
    application_update,
    application_withdraw_draft,
    applications_refresh_for_user,
    applications_refresh_for_version,
    auditor_profile_ensure,
    auditor_profile_update,
    evidence_review,
    evidence_upload,
)
from accreditation.services.base import (
    AccreditationError,
    _decide,
    _element_label,
    _reason,
)
from accreditation.services.firms import (
    firm_accreditation_grant,
    firm_accreditation_reinstate,
    firm_accreditation_renew,
    firm_accreditation_suspend,
    firm_accreditation_withdraw,
)

__all__ = [
    "APPLICATION_TRANSITIONS",
    "OPEN_STATUSES",
    "SCOPE_TRANSITIONS",
    "AccreditationError",
    "S",
    "_decide",
    "_element_label",
    "_reason",
    "accreditation_grant",
    "accreditation_reduce_scope",
    "accreditation_reinstate",
    "accreditation_renew",
    "accreditation_suspend",
    "accreditation_withdraw",
    "affiliation_add",
    "application_create",
    "application_refresh_status",
    "application_reject",
    "application_submit",
    "application_update",
    "application_withdraw_draft",
    "applications_refresh_for_user",
    "applications_refresh_for_version",
    "auditor_profile_ensure",
    "auditor_profile_update",
    "evidence_review",
    "evidence_upload",
    "expire_due",
    "firm_accreditation_grant",
    "firm_accreditation_reinstate",
    "firm_accreditation_renew",
    "firm_accreditation_suspend",
    "firm_accreditation_withdraw",
]
