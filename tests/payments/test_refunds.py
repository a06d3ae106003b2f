"""Refunds revoke what was not used; used items are refunded without revoking."""

import pytest

from courses.models import Enrollment, EnrollmentStatus
from courses.payments import services
from courses.payments.models import LineState, OrderStatus, Refund, SittingVoucher


@pytest.fixture
def paid_invoice_course_order(no_stripe, buyer, course_item, staff_user):
    order = services.order_create(
        buyer=buyer, lines=[services.LineRequest(item=course_item)], method="invoice"
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-1")
    return order


@pytest.fixture
def paid_sitting_order(no_stripe, auditor, exam_item, staff_user):
    order = services.order_create(
        buyer=auditor, lines=[services.LineRequest(item=exam_item)], method="invoice"
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-2")
    return order


def _use_sitting(user):
    from courses.quiz.models import ExamSitting, SittingStatus

    ExamSitting.objects.filter(user=user).update(status=SittingStatus.USED)


@pytest.mark.django_db
def test_refunding_an_unused_exam_sitting_revokes_it(paid_sitting_order, staff_user):
    from courses.quiz.models import ExamSitting

    result = services.order_refund(
        order=paid_sitting_order, actor=staff_user, reason="Cannot attend", reference="BANK-R1"
    )

    assert ExamSitting.objects.get(user=paid_sitting_order.buyer).status == "revoked"
    assert paid_sitting_order.lines.get().state == LineState.REVOKED
    assert result.revoked and not result.not_revoked
    assert SittingVoucher.objects.get().status == "revoked"


@pytest.mark.django_db
def test_refunding_a_used_exam_sitting_refunds_without_revoking_and_says_so(
    paid_sitting_order, staff_user
):
    from courses.quiz.models import ExamSitting

    _use_sitting(paid_sitting_order.buyer)

    result = services.order_refund(
        order=paid_sitting_order, actor=staff_user, reason="Goodwill", reference="BANK-R2"
    )

    paid_sitting_order.refresh_from_db()
    assert paid_sitting_order.status == OrderStatus.REFUNDED
    assert ExamSitting.objects.get(user=paid_sitting_order.buyer).status == "used"
    line = paid_sitting_order.lines.get()
    assert line.state == LineState.KEPT
    assert result.not_revoked == ["Exam sitting: 1 of 1 sitting(s) already used"]
    assert "Not revoked" in Refund.objects.get().outcome


@pytest.mark.django_db
def test_refunding_an_unstarted_course_revokes_the_enrolment(paid_invoice_course_order, staff_user):
    services.order_refund(
        order=paid_invoice_course_order,
        actor=staff_user,
        reason="Wrong course",
        reference="BANK-R3",
    )

    enrollment = Enrollment.objects.get(user=paid_invoice_course_order.buyer)
    assert enrollment.status == EnrollmentStatus.REVOKED
    assert paid_invoice_course_order.lines.get().state == LineState.REVOKED


@pytest.mark.django_db
def test_refunding_a_started_course_keeps_the_enrolment(paid_invoice_course_order, staff_user):
    from unittest import mock

    with mock.patch("courses.selectors.enrollment_is_started", return_value=True):
        result = services.order_refund(
            order=paid_invoice_course_order,
            actor=staff_user,
            reason="Goodwill",
            reference="BANK-R4",
        )

    enrollment = Enrollment.objects.get(user=paid_invoice_course_order.buyer)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert paid_invoice_course_order.lines.get().state == LineState.KEPT
    assert result.not_revoked and not result.revoked


@pytest.mark.django_db
def test_a_pool_with_some_sittings_used_revokes_only_the_unused_ones(
    no_stripe, no_firm_directory, firm_admin, exam_item, auditor, staff_user
):
    from courses.quiz.models import ExamSitting

    order = services.order_create(
        buyer=firm_admin,
        lines=[services.LineRequest(item=exam_item, quantity=3, for_firm_pool=True)],
        method="invoice",
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-P")
    first, second, _third = SittingVoucher.objects.order_by("pk")
    services.voucher_assign(voucher=first, person=auditor, actor=firm_admin)
    services.voucher_assign(voucher=second, person=auditor, actor=firm_admin)
    first.refresh_from_db()
    ExamSitting.objects.filter(pk=first.sitting_id).update(status="used")

    result = services.order_refund(
        order=order, actor=staff_user, reason="Firm closed", reference="BANK-PR"
    )

    statuses = sorted(ExamSitting.objects.values_list("status", flat=True))
    assert statuses == ["revoked", "used"]
    assert sorted(SittingVoucher.objects.values_list("status", flat=True)) == [
        "assigned",
        "revoked",
        "revoked",
    ]
    assert result.not_revoked == ["Exam sitting: 1 of 3 sitting(s) already used"]


@pytest.mark.django_db
def test_an_invoice_refund_needs_the_bank_reference_and_a_reason(
    paid_invoice_course_order, staff_user
):
    with pytest.raises(services.PaymentError):
        services.order_refund(order=paid_invoice_course_order, actor=staff_user, reason="x")
    with pytest.raises(services.PaymentError):
        services.order_refund(
            order=paid_invoice_course_order, actor=staff_user, reason=" ", reference="B"
        )
    paid_invoice_course_order.refresh_from_db()
    assert paid_invoice_course_order.status == OrderStatus.PAID


@pytest.mark.django_db
def test_a_refunded_order_is_never_paid_again(paid_invoice_course_order, staff_user):
    services.order_refund(
        order=paid_invoice_course_order, actor=staff_user, reason="x", reference="BANK-R5"
    )

    with pytest.raises(services.PaymentError):
        services.order_mark_paid(order=paid_invoice_course_order, actor=staff_user, reference="y")
    assert not Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).exists()
