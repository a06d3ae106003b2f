"""How a paid order line turns into access, and back: one fulfilment per kind of thing sold.

``FULFILMENTS`` maps each ``Kind`` to its fulfilment: course enrolment, exam sitting, firm
fees. Each talks to the courses and quiz apps only through their services and selectors.

``grant(line)`` runs inside the transaction that marks the order paid: if it raises, the
payment is not recorded and Stripe retries the webhook. ``unused(line)`` says how many
of the line's units could still be taken back (an unused sitting, a course not started);
``revoke(line, units, reason)`` takes back at most ``units`` of them and returns how many
it took. A refunded unit that could not be taken back was used: it is refunded without
revoking, and staff are told so.

Firm fees: payment never grants accreditation (that is a staff decision), so their
"grant" records the payment and tells the secretariat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from courses.payments.models import Kind, OrderLine, SittingVoucher


class FulfilmentNotRegistered(LookupError):
    pass


@dataclass(frozen=True)
class Fulfilment:
    kind: str
    grant: Callable[[OrderLine], None]
    revoke: Callable[[OrderLine, int, str], int]
    unused: Callable[[OrderLine], int]


# --- Course enrolment -----------------------------------------------------------------


def _course(line: OrderLine):
    from courses.models import Course

    return Course.objects.get(pk=line.target_id)


def _enrollment(line: OrderLine):
    from courses.models import Enrollment

    if line.fulfilment_ref:
        return Enrollment.objects.filter(pk=line.fulfilment_ref).first()
    return None


def course_grant(line: OrderLine) -> None:
    from courses.services import enrollment_activate

    enrollment = enrollment_activate(
        user=line.beneficiary, course=_course(line), source=f"payment:{line.order.number}"
    )
    line.fulfilment_ref = str(enrollment.pk)
    line.save(update_fields=["fulfilment_ref"])


def course_unused(line: OrderLine) -> int:
    """1 while the place is open and the learner has not started; else 0."""
    from courses.selectors import enrollment_is_started

    enrollment = _enrollment(line)
    if enrollment is None or not enrollment.is_open:
        return 0
    return 0 if enrollment_is_started(enrollment=enrollment) else 1


def course_revoke(line: OrderLine, units: int, reason: str) -> int:
    from courses.services import EnrollmentAlreadyStarted, enrollment_revoke

    if units < 1 or not course_unused(line):
        return 0
    try:
        enrollment_revoke(enrollment=_enrollment(line), reason=reason)
    except EnrollmentAlreadyStarted:
        return 0
    return 1


def course_release_pending(line: OrderLine, reason: str) -> None:
    """An unpaid order ends: the place held "waiting for payment" is let go, unless
    another pending order still holds it."""
    from courses.models import Enrollment, EnrollmentStatus
    from courses.payments.models import OrderStatus
    from courses.services import enrollment_revoke

    still_held = (
        OrderLine.objects.filter(
            kind=Kind.COURSE_ENROLMENT,
            target_id=line.target_id,
            beneficiary=line.beneficiary,
            order__status=OrderStatus.PENDING,
        )
        .exclude(order=line.order)
        .exists()
    )
    if still_held:
        return
    for enrollment in Enrollment.objects.filter(
        user=line.beneficiary, course_id=line.target_id, status=EnrollmentStatus.PENDING_PAYMENT
    ):
        enrollment_revoke(enrollment=enrollment, reason=reason)


# --- Exam sittings --------------------------------------------------------------------


def _quiz(line: OrderLine):
    from courses.quiz.models import Quiz

    return Quiz.objects.get(pk=line.target_id)


def sitting_grant(line: OrderLine) -> None:
    """One voucher per sitting bought; a sitting bought for oneself is assigned at once."""
    quiz = _quiz(line)
    if line.vouchers.exists():  # granted before (never twice)
        return
    vouchers = SittingVoucher.objects.bulk_create(
        SittingVoucher(line=line, quiz=quiz, owner=line.order.buyer) for _ in range(line.quantity)
    )
    if line.beneficiary_id is not None:
        from courses.payments.services import voucher_assign

        for voucher in SittingVoucher.objects.filter(pk__in=[v.pk for v in vouchers]):
            voucher_assign(voucher=voucher, person=line.beneficiary, actor=None, check=False)


def _takeable_vouchers(line: OrderLine, *, lock: bool = False) -> list[SittingVoucher]:
    """The line's vouchers that can still be taken back, unassigned ones first."""
    from courses.quiz.models import ExamSitting, SittingStatus

    vouchers = SittingVoucher.objects.select_for_update() if lock else SittingVoucher.objects
    vouchers = list(
        vouchers.filter(line=line).exclude(status=SittingVoucher.Status.REVOKED).order_by("pk")
    )
    available = set(
        ExamSitting.objects.filter(
            pk__in=[v.sitting_id for v in vouchers if v.sitting_id],
            status=SittingStatus.AVAILABLE,
        ).values_list("pk", flat=True)
    )
    unassigned = [v for v in vouchers if v.status == SittingVoucher.Status.UNASSIGNED]
    assigned = [
        v
        for v in vouchers
        if v.status == SittingVoucher.Status.ASSIGNED and v.sitting_id in available
    ]
    return unassigned + assigned


def sitting_unused(line: OrderLine) -> int:
    return len(_takeable_vouchers(line))


def sitting_revoke(line: OrderLine, units: int, reason: str) -> int:
    """Takes back up to ``units`` unused sittings of the line (unassigned ones first)."""
    from courses.quiz.exceptions import SittingAlreadyUsed
    from courses.quiz.models import ExamSitting
    from courses.quiz.services import sitting_revoke as quiz_sitting_revoke

    taken = 0
    for voucher in _takeable_vouchers(line, lock=True):
        if taken >= units:
            break
        if voucher.status == SittingVoucher.Status.ASSIGNED:
            sitting = ExamSitting.objects.filter(pk=voucher.sitting_id).first()
            try:
                if sitting is not None:
                    quiz_sitting_revoke(sitting=sitting, reason=reason)
            except SittingAlreadyUsed:  # started a moment ago
                continue
        voucher.status = SittingVoucher.Status.REVOKED
        voucher.note = reason
        voucher.save(update_fields=["status", "note"])
        taken += 1
    return taken


# --- Firm fees ------------------------------------------------------------------------


def firm_fee_grant(line: OrderLine) -> None:
    """Payment alone never grants accreditation: record it and tell the secretariat."""
    from courses.payments.tasks import notify_secretariat_firm_fee

    line.fulfilment_note = f"paid — secretariat notified on {timezone.localdate():%Y-%m-%d}"
    line.save(update_fields=["fulfilment_note"])
    transaction.on_commit(lambda: notify_secretariat_firm_fee.enqueue(line.pk))


def firm_fee_unused(line: OrderLine) -> int:
    """A fee grants nothing to take back: every unrefunded unit can simply be refunded."""
    return line.quantity - line.refunded_quantity


def firm_fee_revoke(line: OrderLine, units: int, reason: str) -> int:
    return min(units, firm_fee_unused(line))


FULFILMENTS: dict[str, Fulfilment] = {
    Kind.COURSE_ENROLMENT: Fulfilment(
        Kind.COURSE_ENROLMENT, course_grant, course_revoke, course_unused
    ),
    Kind.EXAM_SITTING: Fulfilment(Kind.EXAM_SITTING, sitting_grant, sitting_revoke, sitting_unused),
    Kind.FIRM_APPLICATION: Fulfilment(
        Kind.FIRM_APPLICATION, firm_fee_grant, firm_fee_revoke, firm_fee_unused
    ),
    Kind.FIRM_RENEWAL: Fulfilment(
        Kind.FIRM_RENEWAL, firm_fee_grant, firm_fee_revoke, firm_fee_unused
    ),
}


def get_fulfilment(kind: str) -> Fulfilment:
    """The fulfilment of one kind of thing sold."""
    try:
        return FULFILMENTS[kind]
    except KeyError as exc:
        raise FulfilmentNotRegistered(kind) from exc
