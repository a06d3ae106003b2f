"""Accreditation: reference data, programmes, firms, auditors, applications and scopes.

History is kept as rows, never overwritten: a scope element's status on any past date is
read from its status changes; a firm's accreditation on any past date from its periods and
status changes. That is what lets the eligibility engine answer for past dates.

The models live in the modules of this package, by topic; every name is re-exported here,
so ``from accreditation.models import X`` works for all of them:

- ``register_inputs``: the queryset of the public register's input rows;
- ``standards``: standards, sectors, standard versions, programmes and requirements;
- ``firms``: audit firms, their accreditation periods, status changes and scope;
- ``auditors``: auditor profiles, register consents and affiliations;
- ``applications``: applications, their status history and evidence;
- ``accreditations``: accreditations, scope elements and their status changes;
- ``log``: the audit log's action codes and the reminders sent;
- ``register``: the public register's read model.

- ``conduct``, ``onboarding``, ``specialists``: the code of conduct, firm onboarding and
  Registered Specialists.
"""

from __future__ import annotations

from accreditation.models.accreditations import (
    Accreditation,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
    new_certificate_code,
)
from accreditation.models.applications import (
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatusChange,
    Evidence,
    evidence_upload_to,
)
from accreditation.models.auditors import (
    Affiliation,
    AffiliationQuerySet,
    AuditorProfile,
    RegisterConsent,
)

# Conduct, firm onboarding and specialists: these modules import from
# ``accreditation.models``, so they must stay after the names above.
from accreditation.models.conduct import CodeOfConductAcceptance, CodeOfConductVersion
from accreditation.models.firms import (
    AuditFirm,
    FirmAccreditationPeriod,
    FirmScopeElement,
    FirmStatusChange,
)
from accreditation.models.log import DECISION_ACTIONS, EVENT_ACTIONS, ReminderSent
from accreditation.models.onboarding import FirmApplication
from accreditation.models.register import RegisterCoverage, RegisterEntry
from accreditation.models.register_inputs import RegisterInputQuerySet
from accreditation.models.specialists import RegisteredSpecialist
from accreditation.models.standards import (
    Programme,
    Requirement,
    Sector,
    Standard,
    StandardVersion,
)

__all__ = [
    # register_inputs
    "RegisterInputQuerySet",
    # standards
    "Standard",
    "Sector",
    "StandardVersion",
    "Programme",
    "Requirement",
    # firms
    "AuditFirm",
    "FirmAccreditationPeriod",
    "FirmStatusChange",
    "FirmScopeElement",
    # auditors
    "AuditorProfile",
    "RegisterConsent",
    "AffiliationQuerySet",
    "Affiliation",
    # applications
    "Application",
    "OPEN_APPLICATION_STATUSES",
    "ApplicationStatusChange",
    "evidence_upload_to",
    "Evidence",
    # accreditations
    "new_certificate_code",
    "Accreditation",
    "ScopeElement",
    "ScopeStatus",
    "ScopeStatusChange",
    # log
    "DECISION_ACTIONS",
    "EVENT_ACTIONS",
    "ReminderSent",
    # register
    "RegisterEntry",
    "RegisterCoverage",
    # conduct, onboarding, specialists
    "CodeOfConductVersion",
    "CodeOfConductAcceptance",
    "FirmApplication",
    "RegisteredSpecialist",
]
