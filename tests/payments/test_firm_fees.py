"""Firm fees: paid for one firm at a time from accreditation's firm-fee page, which checks
that the person administers the firm and hands it to ``services.firm_fee_checkout``;
payments' own buy page of a firm fee sends the person to that page."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from courses.payments import selectors, services
from courses.payments.models import LineState, Order
from tests.factories import UserFactory
from tests.payments.factories import BILLING

pytestmark = pytest.mark.django_db

BUY_PAGE = "/payments/buy/firm-fee/firm_application/"


def _fee_page(firm, kind="firm_application") -> str:
    return reverse("accreditation:firm_fee", kwargs={"firm_pk": firm.pk, "kind": kind})


@pytest.fixture
def firm_admin_client(firm_admin) -> Client:
    client = Client()
    client.force_login(firm_admin)
    return client


def test_a_firm_admin_pays_the_firm_application_fee_and_the_secretariat_is_told(
    no_stripe,
    firm,
    firm_admin_client,
    firm_item,
    staff_user,
    django_capture_on_commit_callbacks,
):
    assert firm_admin_client.get(BUY_PAGE)["Location"] == _fee_page(firm)  # one firm: sent on
    page = firm_admin_client.get(_fee_page(firm))
    assert page.status_code == 200 and b"Certi Audit GmbH" in page.content
    assert b"EUR 1,500.00" in page.content

    response = firm_admin_client.post(
        _fee_page(firm), {"method": "invoice", "currency": "EUR", **BILLING}
    )

    order = Order.objects.get()
    assert response["Location"] == reverse("payments:order_detail", args=[order.public_id])
    assert order.firm_name == "Certi Audit GmbH" and order.total == 150000
    assert order.firm_ref == f"accreditation.auditfirm:{firm.pk}"
    line = order.lines.get()
    assert (line.target_type, line.target_id) == ("accreditation.auditfirm", str(firm.pk))
    assert line.description == "Audit firm application fee — Certi Audit GmbH"
    assert list(selectors.firm_fees_paid(firm=firm)) == []  # invoiced, not paid yet

    with django_capture_on_commit_callbacks(execute=True):
        services.order_mark_paid(order=order, actor=staff_user, reference="BANK-7")

    line.refresh_from_db()
    assert line.state == LineState.GRANTED
    assert line.fulfilment_note.startswith("paid — secretariat notified")
    assert any(m.to == [staff_user.email] and "Certi Audit GmbH" in m.subject for m in mail.outbox)
    assert list(selectors.firm_fees_paid(firm=firm)) == [line]
    assert list(selectors.firm_fees_paid(firm=firm, kind="firm_renewal")) == []


def test_a_firm_fee_cannot_be_bought_for_a_firm_one_does_not_administer(
    no_stripe, firm, firm_admin_client, firm_item
):
    from tests.accreditation.factories import FirmFactory

    other = FirmFactory(name="Other Firm")

    assert firm_admin_client.get(_fee_page(other)).status_code == 404
    response = firm_admin_client.post(
        _fee_page(other), {"method": "invoice", "currency": "EUR", **BILLING}
    )

    assert response.status_code == 404
    assert not Order.objects.exists()


def test_an_order_without_the_firm_refuses_a_firm_fee(no_stripe, firm_admin, firm_item):
    with pytest.raises(services.PaymentError, match="page of the firm"):
        services.order_create(
            buyer=firm_admin, lines=[services.LineRequest(item=firm_item)], method="invoice"
        )
    assert not Order.objects.exists()


def test_firm_fee_checkout_sells_only_firm_fees(no_stripe, firm, firm_admin, exam_item):
    with pytest.raises(services.PaymentError, match="not a firm fee"):
        services.firm_fee_checkout(buyer=firm_admin, firm=firm, item=exam_item, method="invoice")
    assert not Order.objects.exists()


def test_people_who_are_not_firm_admins_cannot_open_the_firm_fee_page(
    buyer_client, firm, firm_item
):
    assert buyer_client.get(BUY_PAGE).status_code == 403
    assert buyer_client.get(_fee_page(firm)).status_code == 404  # not their firm


def test_a_firm_admin_without_a_linked_firm_is_told_so(no_stripe, firm_admin_client, firm_item):
    page = firm_admin_client.get(BUY_PAGE)

    assert page.status_code == 200
    assert b"No audit firm is linked to your account" in page.content


def test_a_firm_admin_of_two_firms_chooses_the_firms_page(
    no_stripe, firm, firm_admin, firm_admin_client, firm_item
):
    from tests.accreditation.factories import FirmFactory

    second = FirmFactory(name="Zeta Certification")
    second.admins.add(firm_admin)
    FirmFactory(name="Not Theirs")

    page = firm_admin_client.get(BUY_PAGE).content.decode()

    assert f'href="{_fee_page(firm)}"' in page and f'href="{_fee_page(second)}"' in page
    assert "Pay for Certi Audit GmbH" in page and "Pay for Zeta Certification" in page
    assert "Not Theirs" not in page


def test_a_named_firm_admin_outside_the_group_pays_from_the_firms_page(no_stripe, firm_item):
    """Being named admin of the firm is what counts on the firm's page, as on the firm
    admin page itself."""
    from tests.accreditation.factories import FirmFactory

    person = UserFactory()
    firm = FirmFactory(name="Solo Audits")
    firm.admins.add(person)
    client = Client()
    client.force_login(person)

    client.post(_fee_page(firm), {"method": "invoice", "currency": "EUR", **BILLING})

    assert Order.objects.get().firm_name == "Solo Audits"


def test_a_firm_fee_not_on_sale_or_of_another_kind_is_not_found(firm, firm_admin_client):
    assert firm_admin_client.get(_fee_page(firm)).status_code == 404  # nothing on sale
    assert firm_admin_client.get(_fee_page(firm, kind="exam_sitting")).status_code == 404
    assert firm_admin_client.get("/payments/buy/firm-fee/exam_sitting/").status_code == 404


def test_the_firm_fee_page_offers_no_basket(no_stripe, firm, firm_admin_client, firm_item):
    page = firm_admin_client.get(_fee_page(firm)).content.decode()

    assert reverse("payments:basket_add") not in page


def test_the_firm_page_lists_the_fees_on_sale_one_per_kind(firm_item):
    from tests.payments.factories import CatalogueItemFactory

    renewal = CatalogueItemFactory(kind="firm_renewal", name="Renewal")
    CatalogueItemFactory(kind="firm_renewal", name="Old renewal", active=False)

    assert selectors.firm_fee_items_on_sale() == [firm_item, renewal]
