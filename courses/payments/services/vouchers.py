"""Exam sitting vouchers: the paid sittings of a firm's pool, given to one auditor each."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.payments import permissions
from courses.payments.firms import may_assign_sitting
from courses.payments.models import OrderStatus, SittingVoucher
from courses.payments.services.errors import PaymentError
from lms import audit


@transaction.atomic
def voucher_assign(*, voucher: SittingVoucher, person, actor, check: bool = True) -> SittingVoucher:
    """Gives one paid sitting of the pool to ``person`` (who must be one of the actor's
    firm's auditors) and writes the ``payments.voucher.assigned`` audit entry.

    ``check=False`` only when payment itself assigns the sitting its buyer bought for
    themselves (``actor`` is then ``None``: the system).
    """
    voucher = (
        SittingVoucher.objects.select_for_update().select_related("line__order").get(pk=voucher.pk)
    )
    if voucher.status != SittingVoucher.Status.UNASSIGNED:
        raise PaymentError(_("This sitting has already been assigned."))
    if voucher.line.order.status != OrderStatus.PAID:
        raise PaymentError(_("This sitting is not paid."))
    if check:
        if not permissions.can_assign_voucher(actor, voucher):
            raise PaymentError(_("You cannot assign this sitting."))
        if not hasattr(person, "auditor_profile"):
            raise PaymentError(
                _("Sittings can only be assigned to people with an auditor profile.")
            )
        if not may_assign_sitting(actor, person):
            raise PaymentError(_("This person is not one of your firm's auditors."))
    from courses.quiz.services import sitting_grant

    sitting = sitting_grant(
        user=person,
        quiz=voucher.quiz,
        source=f"payment:{voucher.line.order.number}:voucher:{voucher.pk}",
        assigned_by=actor,
    )
    voucher.status = SittingVoucher.Status.ASSIGNED
    voucher.assigned_to = person
    voucher.assigned_by = actor
    voucher.assigned_at = timezone.now()
    voucher.sitting_id = sitting.pk
    voucher.save(
        update_fields=["status", "assigned_to", "assigned_by", "assigned_at", "sitting_id"]
    )
    audit.record(
        "payments.voucher.assigned",
        instance=voucher,
        user=actor,
        data={
            "person": person.pk,
            "quiz": voucher.quiz_id,
            "order": voucher.line.order.number,
            "sitting": sitting.pk,
        },
    )
    return voucher
