"""A firm admin giving out paid exam sittings learns nothing about people outside the firm.

The sittings page offers a pick list of the firm's own current auditors; whatever else is
posted (an id with no account, a user without an auditor profile, another firm's auditor,
listed on the public register or not, an auditor who has left the firm, an e-mail address
as the old form took) gets one and the same answer, with the same database work.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.payments import services
from courses.payments.models import SittingVoucher
from tests.accreditation.factories import AffiliationFactory, AuditorFactory, FirmFactory
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsiders(firm) -> dict[str, dict]:
    """What a curious firm admin might post, one per kind of person outside the firm."""
    listed_elsewhere = AuditorFactory(
        user__full_name="Lena Listed", listed_consent=True, firm=FirmFactory()
    ).user
    unlisted_elsewhere = AuditorFactory(
        user__full_name="Uwe Unlisted", listed_consent=False, firm=FirmFactory()
    ).user
    no_firm = AuditorFactory(user__full_name="Nina No-Firm").user
    no_profile = MemberFactory(full_name="Paul Profileless")
    former = AuditorFactory(user__full_name="Fritz Former").user
    AffiliationFactory(
        auditor=former.auditor_profile,
        firm=firm,
        since=datetime.date(2015, 1, 1),
        until=datetime.date(2020, 1, 1),
    )
    inactive = AuditorFactory(user__full_name="Ines Inactive", firm=firm).user
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    unused_id = max(UserFactory().pk, listed_elsewhere.pk, no_profile.pk) + 1000
    return {
        "no account": {"person": str(unused_id)},
        "no auditor profile": {"person": str(no_profile.pk)},
        "another firm's listed auditor": {"person": str(listed_elsewhere.pk)},
        "another firm's unlisted auditor": {"person": str(unlisted_elsewhere.pk)},
        "an auditor of no firm": {"person": str(no_firm.pk)},
        "an auditor who left the firm": {"person": str(former.pk)},
        "an inactive account": {"person": str(inactive.pk)},
        "not a number": {"person": "abc"},
        "an e-mail address of an account": {"email": listed_elsewhere.email},
        "an e-mail address of no account": {"email": "nobody@example.org"},
    }


def _answer(admin, voucher: SittingVoucher, data: dict):
    """(status, Location, flashed messages) of one assignment, and its number of queries,
    each from a fresh session so that no earlier message is carried along."""
    client = Client()
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/payments/sittings/{voucher.pk}/assign/", data)
    flashed = tuple((m.level, str(m)) for m in get_messages(response.wsgi_request))
    return (response.status_code, response.get("Location"), flashed), len(queries)


def test_the_sittings_page_offers_only_the_firms_current_auditors(
    admin_client, voucher, own_auditor, outsiders
):
    html = admin_client.get("/payments/sittings/").content.decode()

    assert f'<option value="{own_auditor.pk}">Olga Own &lt;{own_auditor.email}&gt;</option>' in html
    for name in (
        "Lena Listed",
        "Uwe Unlisted",
        "Nina No-Firm",
        "Paul Profileless",
        "Fritz Former",
        "Ines Inactive",
    ):
        assert name not in html
    assert 'type="email"' not in html


def test_assigning_to_anyone_outside_the_firm_gets_one_identical_answer(
    firm_admin, voucher, own_auditor, outsiders
):
    answers = {kind: _answer(firm_admin, voucher, data) for kind, data in outsiders.items()}

    replies = {kind: reply for kind, (reply, _queries) in answers.items()}
    assert len(set(replies.values())) == 1, replies
    status, location, flashed = next(iter(replies.values()))
    assert (status, location) == (302, "/payments/sittings/")
    assert [text for _level, text in flashed] == ["Choose one of your firm's auditors."]
    voucher.refresh_from_db()
    assert voucher.status == SittingVoucher.Status.UNASSIGNED


def test_every_refusal_for_an_outsider_costs_the_same_database_work(
    firm_admin, voucher, own_auditor, outsiders
):
    """The same queries for every kind of outsider: no timing difference to measure."""
    counts = {
        kind: queries
        for kind, data in outsiders.items()
        if "person" in data and data["person"].isdigit()
        for _reply, queries in [_answer(firm_admin, voucher, data)]
    }

    assert len(set(counts.values())) == 1, counts


def test_the_firms_own_auditor_gets_the_sitting(firm_admin, voucher, own_auditor):
    (status, _location, flashed), _queries = _answer(
        firm_admin, voucher, {"person": str(own_auditor.pk)}
    )

    assert status == 302
    voucher.refresh_from_db()
    assert voucher.status == SittingVoucher.Status.ASSIGNED
    assert voucher.assigned_to == own_auditor
    assert "assigned to" in flashed[0][1]


def test_the_service_refuses_an_auditor_who_has_left_the_firm(firm_admin, voucher, firm):
    former = AuditorFactory().user
    AffiliationFactory(auditor=former.auditor_profile, firm=firm, until=datetime.date(2020, 1, 1))

    with pytest.raises(services.PaymentError):
        services.voucher_assign(voucher=voucher, person=former, actor=firm_admin)
