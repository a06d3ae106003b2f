"""A firm admin takes an assigned, unused sitting back into the pool; the sittings page
names the firm and lists the orders of sittings still waiting for payment."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.payments import services
from courses.payments.models import SittingVoucher
from courses.quiz.models import ExamSitting, SittingStatus
from lms.audit import entries_for
from tests.accreditation.factories import AuditorFactory, FirmFactory

pytestmark = pytest.mark.django_db


def test_an_unused_sitting_is_taken_back_and_can_be_assigned_again(
    voucher, firm_admin, own_auditor, admin_client
):
    services.voucher_assign(voucher=voucher, person=own_auditor, actor=firm_admin)
    page = admin_client.get(reverse("payments:voucher_list")).content.decode()
    take_back = reverse("payments:voucher_take_back", args=[voucher.pk])
    assert f'action="{take_back}"' in page and "data-confirm" in page
    assert "Olga Own" in page

    response = admin_client.post(take_back, follow=True)
    assert "taken back from" in response.content.decode()
    voucher.refresh_from_db()
    assert voucher.status == SittingVoucher.Status.UNASSIGNED and voucher.assigned_to is None
    assert ExamSitting.objects.get(user=own_auditor).status == SittingStatus.REVOKED
    assert entries_for(voucher).filter(action="payments.voucher.taken_back").exists()

    services.voucher_assign(voucher=voucher, person=own_auditor, actor=firm_admin)
    assert ExamSitting.objects.filter(user=own_auditor, status=SittingStatus.AVAILABLE).exists()


def test_a_used_sitting_stays_with_the_auditor(voucher, firm_admin, own_auditor, admin_client):
    services.voucher_assign(voucher=voucher, person=own_auditor, actor=firm_admin)
    ExamSitting.objects.filter(user=own_auditor).update(status=SittingStatus.USED)
    response = admin_client.post(
        reverse("payments:voucher_take_back", args=[voucher.pk]), follow=True
    )
    assert "already used" in response.content.decode()
    voucher.refresh_from_db()
    assert voucher.status == SittingVoucher.Status.ASSIGNED


def test_another_admin_cannot_take_a_sitting_back(voucher, firm_admin, own_auditor):
    services.voucher_assign(voucher=voucher, person=own_auditor, actor=firm_admin)
    other = FirmFactory(admins=[AuditorFactory().user]).admins.get()
    client = Client()
    client.force_login(other)
    response = client.post(reverse("payments:voucher_take_back", args=[voucher.pk]))
    assert response.status_code in (403, 404)
    voucher.refresh_from_db()
    assert voucher.status == SittingVoucher.Status.ASSIGNED
    assert (
        Client().post(reverse("payments:voucher_take_back", args=[voucher.pk])).status_code == 302
    )


def test_the_page_names_the_firm_and_lists_orders_waiting_for_payment(
    no_stripe, firm, voucher, firm_admin, exam_item, admin_client
):
    order = services.order_create(
        buyer=firm_admin,
        lines=[services.LineRequest(item=exam_item, quantity=2, for_firm_pool=True)],
        method="invoice",
    )
    page = admin_client.get(reverse("payments:voucher_list")).content.decode()
    assert "Orders waiting for payment" in page
    assert order.number in page
    assert "For Certi Audit GmbH" in page
    buy = reverse("payments:buy_exam", args=[exam_item.quiz.slug]) + "?for=firm"
    assert f'href="{buy}"' in page
