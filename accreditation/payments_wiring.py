"""Tells payments (which may not import accreditation) which firms a firm admin pays
fees for, and that paid exam sittings go only to the firm's own auditors."""

from courses.payments.registry import FirmRef, register_firm_directory


def firms_for_admin(user) -> list[FirmRef]:
    if not user.is_authenticated:
        return []
    return [
        FirmRef("accreditation.auditfirm", str(firm.pk), firm.name)
        for firm in user.administered_firms.all()
    ]


def may_assign_sitting(admin, person) -> bool:
    from accreditation.models import Affiliation

    return Affiliation.objects.filter(firm__admins=admin, auditor__user=person).exists()


def register() -> None:
    register_firm_directory(firms_for_admin=firms_for_admin, may_assign_sitting=may_assign_sitting)
