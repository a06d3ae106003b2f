"""Who may do what in the accreditation app. Views ask these; they never build checks."""

from __future__ import annotations

from lms import permissions as lms_permissions


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


def can_apply(user) -> bool:
    """Anyone signed in may start as an auditor (a profile is created on first apply)."""
    return bool(user.is_authenticated)


def owns_application(user, application) -> bool:
    return bool(user.is_authenticated and application.auditor.user_id == user.pk)


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
