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
    assert result.not_revoked == ["Exam sitting: already used"]
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
    no_stripe, firm_admin, exam_item, auditor_of_firm_admin, staff_user
):
    auditor = auditor_of_firm_admin
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
    assert result.not_revoked == ["Exam sitting: 1 of 3 already used"]


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


def _statuses():
    return sorted(SittingVoucher.objects.values_list("status", flat=True))


@pytest.mark.django_db
def test_refunding_some_sittings_of_a_pool_takes_back_unassigned_ones_first(pool_order, staff_user):
    line = pool_order.lines.get()

    result = services.order_refund(
        order=pool_order,
        actor=staff_user,
        reason="Two too many",
        reference="R1",
        units={line.pk: 2},
    )

    pool_order.refresh_from_db()
    line.refresh_from_db()
    assert pool_order.status == OrderStatus.PAID and pool_order.amount_refunded == 30000
    assert result.refund.amount == 30000 and not result.not_revoked
    assert _statuses() == ["assigned", "assigned", "revoked", "revoked"]
    assert (line.refunded_quantity, line.revoked_quantity, line.state) == (2, 2, "granted")


@pytest.mark.django_db
def test_refunding_the_rest_of_a_pool_keeps_the_used_sitting_and_ends_the_order_refunded(
    pool_order, staff_user
):
    line = pool_order.lines.get()
    services.order_refund(
        order=pool_order, actor=staff_user, reason="Two", reference="R1", units={line.pk: 2}
    )

    result = services.order_refund(
        order=pool_order, actor=staff_user, reason="The rest", reference="R2"
    )

    pool_order.refresh_from_db()
    line.refresh_from_db()
    assert result.refund.amount == 30000  # only what was not refunded before
    assert result.not_revoked == ["Exam sitting: 1 of 2 already used"]
    assert pool_order.status == OrderStatus.REFUNDED and pool_order.amount_refunded == 60000
    assert (line.refunded_quantity, line.revoked_quantity, line.state) == (4, 3, "kept")
    assert _statuses() == ["assigned", "revoked", "revoked", "revoked"]  # the used one stays
    assert sum(Refund.objects.values_list("amount", flat=True)) == 60000  # never more


@pytest.mark.django_db
@pytest.mark.parametrize("units", ["another line", "too many", "nothing"])
def test_a_partial_refund_outside_the_order_is_refused_and_changes_nothing(
    pool_order, staff_user, units
):
    line = pool_order.lines.get()
    wanted = {"another line": {0: 1}, "too many": {line.pk: 5}, "nothing": {line.pk: 0}}[units]

    with pytest.raises(services.PaymentError):
        services.order_refund(
            order=pool_order, actor=staff_user, reason="x", reference="R", units=wanted
        )

    pool_order.refresh_from_db()
    assert pool_order.amount_refunded == 0 and not Refund.objects.exists()
    assert _statuses() == ["assigned", "assigned", "unassigned", "unassigned"]


@pytest.mark.django_db
def test_one_line_of_a_two_line_order_is_refunded_and_the_other_kept(
    no_stripe, buyer, course_item, exam_item, staff_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    from courses.quiz.models import ExamSitting

    order = services.order_create(
        buyer=buyer,
        lines=[services.LineRequest(item=course_item), services.LineRequest(item=exam_item)],
        method="invoice",
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="B")
    sitting_line = order.lines.get(kind="exam_sitting")

    with django_capture_on_commit_callbacks(execute=True):
        services.order_refund(
            order=order,
            actor=staff_user,
            reason="No exam",
            reference="R",
            units={sitting_line.pk: 1},
        )

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.amount_refunded == 15000
    assert ExamSitting.objects.get(user=buyer).status == "revoked"
    assert Enrollment.objects.get(user=buyer).status == EnrollmentStatus.ACTIVE
    assert "EUR 150.00 of your order (EUR 350.00) has been refunded." in mail.outbox[-1].body


@pytest.mark.django_db
def test_every_refund_gets_a_numbered_credit_note_of_what_it_covers(
    pool_order, staff_user, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.test import Client
    from django.utils import timezone

    year = timezone.localdate().year
    line = pool_order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.order_refund(
            order=pool_order, actor=staff_user, reason="Two", reference="R1", units={line.pk: 2}
        ).refund
    second = services.order_refund(
        order=pool_order, actor=staff_user, reason="The rest", reference="R2"
    ).refund

    assert (first.number, second.number) == (f"CN-{year}-00001", f"CN-{year}-00002")
    assert first.lines == [
        {"description": line.description, "quantity": 2, "unit_amount": 15000, "amount": 30000}
    ]
    assert second.lines[0]["quantity"] == 2 and second.amount == 30000
    assert mail.outbox[-1].attachments[0][0] == f"CN-{year}-00001.pdf"

    url = f"/payments/orders/{pool_order.public_id}/credit-notes/{first.pk}.pdf"
    buyer = Client()
    buyer.force_login(pool_order.buyer)
    response = buyer.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f"CN-{year}-00001".encode() in response.content
    page = buyer.get(f"/payments/orders/{pool_order.public_id}/").content.decode()
    assert f"Credit note CN-{year}-00001 (PDF)" in page
    stranger = Client()
    stranger.force_login(staff_user.__class__.objects.create_user(email="x@example.org"))
    assert stranger.get(url).status_code == 404


@pytest.mark.django_db
def test_a_refund_that_fails_uses_no_credit_note_number(pool_order, staff_user):
    from unittest import mock

    from django.utils import timezone

    from courses.payments.fulfilments import Fulfilment

    line = pool_order.lines.get()
    failing = Fulfilment(
        kind="exam_sitting",
        grant=lambda line: None,
        revoke=mock.Mock(side_effect=RuntimeError("the quiz app is down")),
        unused=lambda line: 1,
    )
    with (
        mock.patch.dict("courses.payments.fulfilments.FULFILMENTS", {"exam_sitting": failing}),
        pytest.raises(RuntimeError),
    ):
        services.order_refund(
            order=pool_order, actor=staff_user, reason="x", reference="R", units={line.pk: 1}
        )

    assert not Refund.objects.exists()
    refund = services.order_refund(
        order=pool_order, actor=staff_user, reason="x", reference="R", units={line.pk: 1}
    ).refund
    assert refund.number == f"CN-{timezone.localdate().year}-00001"  # no gap
