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


@transaction.atomic
def voucher_take_back(*, voucher: SittingVoucher, actor) -> SittingVoucher:
    """Takes an assigned, unused sitting back into the pool (the firm admin gave it to the
    wrong auditor, or the auditor left): the person's exam sitting is revoked and the
    voucher can be assigned again. A sitting already used for an attempt stays where it is.
    Writes the ``payments.voucher.taken_back`` audit entry."""
    from courses.quiz.exceptions import SittingAlreadyUsed
    from courses.quiz.models import ExamSitting
    from courses.quiz.services import sitting_revoke

    voucher = SittingVoucher.objects.select_for_update().get(pk=voucher.pk)
    if not permissions.can_assign_voucher(actor, voucher):
        raise PaymentError(_("You cannot take this sitting back."))
    if voucher.status != SittingVoucher.Status.ASSIGNED:
        raise PaymentError(_("Only an assigned sitting can be taken back."))
    sitting = ExamSitting.objects.filter(pk=voucher.sitting_id).first()
    if sitting is not None:
        try:
            sitting_revoke(sitting=sitting, reason=_("Taken back by the firm"), actor=actor)
        except SittingAlreadyUsed as exc:
            raise PaymentError(
                _("This sitting was already used for an attempt and cannot be taken back.")
            ) from exc
    previous = voucher.assigned_to_id
    voucher.status = SittingVoucher.Status.UNASSIGNED
    voucher.assigned_to = None
    voucher.assigned_by = None
    voucher.assigned_at = None
    voucher.sitting_id = None
    voucher.save(
        update_fields=["status", "assigned_to", "assigned_by", "assigned_at", "sitting_id"]
    )
    audit.record(
        "payments.voucher.taken_back",
        instance=voucher,
        user=actor,
        data={"person": previous, "quiz": voucher.quiz_id, "sitting": getattr(sitting, "pk", None)},
    )
    return voucher
