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


def sitting_candidates(admin):
    """The firm admin's own auditors (active accounts with a current affiliation to a firm
    the admin runs): the only people a paid sitting may go to, and the only ones the
    sittings page lists."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone

    from accreditation.models import Affiliation

    today = timezone.localdate()
    affiliations = Affiliation.objects.filter(firm__admins=admin).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, auditor_profile__affiliations__in=affiliations)
        .distinct()
        .order_by("full_name", "email")
    )


def may_assign_sitting(admin, person) -> bool:
    return sitting_candidates(admin).filter(pk=person.pk).exists()


def register() -> None:
    register_firm_directory(
        firms_for_admin=firms_for_admin,
        may_assign_sitting=may_assign_sitting,
        sitting_candidates=sitting_candidates,
    )
