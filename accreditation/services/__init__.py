"""Writes of the accreditation app.

Every service is keyword-only, checks state, writes inside ``transaction.atomic()``, records
each decision with ``record_decision`` (one entry of Wagtail's audit log through
``lms.audit.record``: who, when, action code, reason, payload), and after commit sends its
e-mail. Refusals are ``AccreditationError`` (a ``lms.errors.ServiceError``). The public
register's cache purges itself on every save of a model it shows (``accreditation/cache.py``).

Modules: ``accreditations`` (scope decisions, expiry), ``affiliations`` (an auditor asks to
work under a firm; the firm confirms, declines or ends it), ``applications`` (profiles,
applications, evidence), ``firms`` (the firms' own accreditation), ``emails`` (decision
e-mails, reminders' sending), ``daily`` (the daily run: expiry, application moves,
reminders), ``register`` (the public register's read model: ``refresh_register``, run by
every write of its inputs and by the daily run), ``base`` (the error, the reason rule,
``record_decision``).

Status workflows:
- applications: ``APPLICATION_TRANSITIONS`` (one service, ``application_move``, moves a status
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
from accreditation.services.affiliations import (
    affiliation_confirm,
    affiliation_decline,
    affiliation_end,
    affiliation_request,
)
from accreditation.services.applications import (
    APPLICATION_TRANSITIONS,
    application_create,
    application_move,
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
    lock_application,
)
from accreditation.services.base import AccreditationError, clean_reason, record_decision
from accreditation.services.consent import register_consent_history, register_consent_set
from accreditation.services.daily import run_daily
from accreditation.services.firms import (
    firm_accreditation_grant,
    firm_accreditation_reinstate,
    firm_accreditation_renew,
    firm_accreditation_suspend,
    firm_accreditation_withdraw,
)
from accreditation.services.register import refresh_register, register_batch

__all__ = [
    "APPLICATION_TRANSITIONS",
    "SCOPE_TRANSITIONS",
    "AccreditationError",
    "accreditation_grant",
    "accreditation_reduce_scope",
    "accreditation_reinstate",
    "accreditation_renew",
    "accreditation_suspend",
    "accreditation_withdraw",
    "affiliation_confirm",
    "affiliation_decline",
    "affiliation_end",
    "affiliation_request",
    "application_create",
    "application_move",
    "application_refresh_status",
    "application_reject",
    "application_submit",
    "application_update",
    "application_withdraw_draft",
    "applications_refresh_for_user",
    "applications_refresh_for_version",
    "auditor_profile_ensure",
    "auditor_profile_update",
    "clean_reason",
    "evidence_review",
    "evidence_upload",
    "expire_due",
    "firm_accreditation_grant",
    "firm_accreditation_reinstate",
    "firm_accreditation_renew",
    "firm_accreditation_suspend",
    "firm_accreditation_withdraw",
    "lock_application",
    "record_decision",
    "refresh_register",
    "register_batch",
    "register_consent_history",
    "register_consent_set",
    "run_daily",
]
