"""Who may do what in the accreditation app: one check per kind of action.

Views declare the check they need with ``@permissions.required(check)`` (the one decorator,
from ``lms.permissions``) or ask a check about one object; they never build a check of
their own.
"""

from __future__ import annotations

from lms import permissions as lms_permissions
from lms.permissions import required  # noqa: F401  (views: permissions.required)

# --- Staff: review and decide ------------------------------------------------------------


def can_decide(user) -> bool:
    """Staff who review applications and decide on accreditations and firms."""
    return bool(
        user.is_authenticated
        and lms_permissions.can_access_admin(user)
        and user.has_perm("accreditation.change_accreditation")
    )


def can_review_application(user) -> bool:
    return bool(
        user.is_authenticated
        and lms_permissions.can_access_admin(user)
        and user.has_perm("accreditation.change_application")
    )


def can_view_decisions_log(user) -> bool:
    """Staff who may read the decisions log (the admin's "Decisions log" report)."""
    return bool(
        user.is_authenticated
        and lms_permissions.can_access_admin(user)
        and user.has_perm("accreditation.view_accreditation")
    )


# --- Auditors: apply, their own applications and evidence --------------------------------


def can_apply(user) -> bool:
    """Anyone signed in may start as an auditor (a profile is created on first apply)."""
    return bool(user.is_authenticated)


def owns_application(user, application) -> bool:
    return bool(user.is_authenticated and application.auditor.user_id == user.pk)


def can_download_evidence(user, evidence) -> bool:
    """Evidence (CVs, certificates) is private: the auditor who uploaded it and reviewers."""
    return owns_application(user, evidence.application) or can_review_application(user)


# --- Public side: certificates and the firm admin's page -------------------------------


def can_download_certificate(user, accreditation) -> bool:
    """An accreditation certificate: the accredited auditor themself, and secretariat staff."""
    if not user.is_authenticated:
        return False
    return accreditation.auditor.user_id == user.pk or lms_permissions.is_secretariat(user)


def administered_firms(user):
    """The audit firms whose admins include ``user`` (none for anyone else)."""
    from accreditation.models import AuditFirm

    if not user.is_authenticated:
        return AuditFirm.objects.none()
    return AuditFirm.objects.filter(admins=user).order_by("name")


def can_view_firm_admin_page(user) -> bool:
    """Firm admins: in the "Audit firm admins" group, or named admin of a firm."""
    return lms_permissions.is_firm_admin(user) or administered_firms(user).exists()


# --- Affiliations: firms confirm their auditors ----------------------------------------


def administers_firm(user, firm) -> bool:
    """A named admin of this firm (an admin of another firm is not)."""
    return bool(user.is_authenticated and firm.admins.filter(pk=user.pk).exists())


def can_view_conduct_acceptances(user) -> bool:
    """Staff who see who has and has not accepted a version of the code of conduct."""
    return bool(
        user.is_authenticated
        and lms_permissions.can_access_admin(user)
        and user.has_perm("accreditation.view_codeofconductacceptance")
    )


def can_decide_affiliations_as_staff(user) -> bool:
    """Secretariat staff who confirm, decline or end affiliations on a firm's behalf."""
    return bool(
        user.is_authenticated
        and lms_permissions.can_access_admin(user)
        and user.has_perm("accreditation.change_affiliation")
    )


def can_decide_affiliation(user, firm) -> bool:
    """Confirm or decline an auditor's request to work under ``firm``, or end an
    affiliation: the firm's own admins, and staff on its behalf."""
    return administers_firm(user, firm) or can_decide_affiliations_as_staff(user)


def can_end_affiliation(user, affiliation) -> bool:
    """Those who decide for the firm, and the auditor who leaves."""
    return bool(
        user.is_authenticated
        and (
            affiliation.auditor.user_id == user.pk or can_decide_affiliation(user, affiliation.firm)
        )
    )


# --- Firm onboarding: a firm applies online, staff decide --------------------------------


def can_apply_as_firm(user) -> bool:
    """Anyone signed in may apply for an audit firm (and becomes its first admin)."""
    return bool(user.is_authenticated)


def owns_firm_application(user, application) -> bool:
    return bool(user.is_authenticated and application.applicant_id == user.pk)


def can_review_firm_applications(user) -> bool:
    """Secretariat staff who approve or reject firms' applications."""
    return bool(
        user.is_authenticated
        and lms_permissions.can_access_admin(user)
        and user.has_perm("accreditation.change_firmapplication")
    )


def can_download_firm_certificate(user, application) -> bool:
    """A firm's accreditation certificate: the applicant and the staff who review it."""
    return owns_firm_application(user, application) or can_review_firm_applications(user)


def can_manage_firm_admins(user, firm) -> bool:
    """Add or remove the firm's administrators: its own admins (staff do it in the admin's
    firm form)."""
    return administers_firm(user, firm)
