"""Firms confirm their auditors: requests, confirmations, declines and ends, who may decide,
and that only a confirmed, current affiliation counts (eligibility, the register, the firm
overview, exam sittings), with past dates answered from the affiliation's dates."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accreditation import selectors, services
from accreditation.models import Affiliation, AuditorProfile
from accreditation.register import elements_on_register
from lms import roles
from tests.accreditation.factories import (
    AccreditationFactory,
    AffiliationFactory,
    AuditorFactory,
    FirmFactory,
    StandardVersionFactory,
    sector_for,
)
from tests.factories import MemberFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
A = Affiliation.Status


@pytest.fixture
def firm_admin(db):
    return UserFactory(role=roles.FIRM_ADMIN, full_name="Fiona Admin", email="fiona@example.org")


@pytest.fixture
def firm(firm_admin):
    return FirmFactory(name="Nordic Audit", admins=[firm_admin])


@pytest.fixture
def other_admin(db):
    """An admin of another firm."""
    person = UserFactory(role=roles.FIRM_ADMIN, full_name="Otto Other")
    FirmFactory(name="Other Firm", admins=[person])
    return person


@pytest.fixture
def staff(db):
    return SecretariatFactory()


@pytest.fixture
def auditor(db):
    return AuditorFactory(user__full_name="Paula Pending", user__email="paula@example.org")


@pytest.fixture
def pending(auditor, firm):
    return services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _actions(affiliation) -> list[str]:
    return list(
        ModelLogEntry.objects.for_instance(affiliation)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _accredited_through(firm, auditor=None):
    """An accreditation through ``firm`` (CoC casthouse GN, 2020-2030) with no affiliation."""
    version = StandardVersionFactory(standard__code="CoC", version="V2")
    return AccreditationFactory(
        auditor=auditor or AuditorFactory(),
        firm=firm,
        standard_version=version,
        scope=[(sector_for(version.standard, "casthouse"), "GN")],
        affiliate=False,
    )


def _on_register(accreditation, on) -> bool:
    return elements_on_register(on).filter(accreditation=accreditation).exists()


# --- services ---------------------------------------------------------------------------


def test_factories_make_confirmed_affiliations_that_count(firm):
    accreditation = AccreditationFactory(firm=firm)
    affiliation = Affiliation.objects.get(auditor=accreditation.auditor, firm=firm)
    assert affiliation.status == A.CONFIRMED
    assert AffiliationFactory().status == A.CONFIRMED
    assert AuditorFactory(firm=firm).affiliations.get().status == A.CONFIRMED


def test_an_auditor_asking_creates_a_pending_request_and_tells_the_firm_admins(
    auditor, firm, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        affiliation = services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)

    assert affiliation.status == A.PENDING
    assert affiliation.requested_at is not None
    assert _actions(affiliation) == ["accreditation.affiliation.requested"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [firm_admin.email]
    assert "Paula Pending asks to work under Nordic Audit" in mailoutbox[0].subject
    assert f"/accreditation/firm/{firm.pk}/affiliations/" in mailoutbox[0].body


def test_asking_again_while_waiting_changes_nothing(auditor, firm, pending):
    again = services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)

    assert again.pk == pending.pk
    assert Affiliation.objects.filter(auditor=auditor, firm=firm).count() == 1
    assert _actions(pending) == ["accreditation.affiliation.requested"]


def test_only_the_auditor_or_staff_may_ask_for_them(auditor, firm, firm_admin, staff):
    with pytest.raises(services.AccreditationError):
        services.affiliation_request(auditor=auditor, firm=firm, user=firm_admin)
    with pytest.raises(services.AccreditationError):
        services.affiliation_request(auditor=auditor, firm=firm, user=MemberFactory())
    assert not Affiliation.objects.exists()

    staff_made = services.affiliation_request(auditor=auditor, firm=firm, user=staff)
    assert staff_made.status == A.PENDING


def test_a_firm_admin_confirms_and_the_auditor_is_told(
    pending, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_confirm(affiliation=pending, user=firm_admin, since=D(2021, 3, 1))

    pending.refresh_from_db()
    assert pending.status == A.CONFIRMED
    assert pending.since == D(2021, 3, 1)
    assert pending.decided_by == firm_admin
    assert pending.decided_at is not None
    entry = ModelLogEntry.objects.for_instance(pending).get(
        action="accreditation.affiliation.confirmed"
    )
    assert entry.user == firm_admin
    assert entry.data["since"] == "2021-03-01"
    assert entry.data["on_behalf"] is False
    assert mailoutbox[-1].to == ["paula@example.org"]
    assert "Nordic Audit confirmed that you work for it" in mailoutbox[-1].subject


def test_confirming_without_a_date_starts_today(pending, firm_admin):
    services.affiliation_confirm(affiliation=pending, user=firm_admin)
    pending.refresh_from_db()
    assert pending.since == timezone.localdate()


def test_staff_confirm_on_the_firms_behalf(pending, staff):
    services.affiliation_confirm(affiliation=pending, user=staff)
    entry = ModelLogEntry.objects.for_instance(pending).get(
        action="accreditation.affiliation.confirmed"
    )
    assert entry.user == staff
    assert entry.data["on_behalf"] is True


@pytest.mark.parametrize("who", ["other firm's admin", "plain member", "the auditor"])
def test_nobody_but_the_firm_or_staff_may_decide(pending, other_admin, who):
    user = {
        "other firm's admin": other_admin,
        "plain member": MemberFactory(),
        "the auditor": pending.auditor.user,
    }[who]
    with pytest.raises(services.AccreditationError, match="Only an administrator of Nordic Audit"):
        services.affiliation_confirm(affiliation=pending, user=user)
    with pytest.raises(services.AccreditationError):
        services.affiliation_decline(affiliation=pending, user=user, reason="No.")
    pending.refresh_from_db()
    assert pending.status == A.PENDING
    assert _actions(pending) == ["accreditation.affiliation.requested"]


def test_a_decided_request_cannot_be_decided_again(pending, firm_admin):
    services.affiliation_confirm(affiliation=pending, user=firm_admin)
    with pytest.raises(services.AccreditationError, match="already decided"):
        services.affiliation_decline(affiliation=pending, user=firm_admin, reason="Changed mind")
    with pytest.raises(services.AccreditationError, match="already decided"):
        services.affiliation_confirm(affiliation=pending, user=firm_admin)


def test_declining_needs_a_reason_and_tells_the_auditor_why(
    pending, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(services.AccreditationError, match="reason is required"):
        services.affiliation_decline(affiliation=pending, user=firm_admin, reason="  ")

    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_decline(
            affiliation=pending, user=firm_admin, reason="Not one of our auditors."
        )

    pending.refresh_from_db()
    assert pending.status == A.DECLINED
    assert pending.decline_reason == "Not one of our auditors."
    entry = ModelLogEntry.objects.for_instance(pending).get(
        action="accreditation.affiliation.declined"
    )
    assert entry.data["reason"] == "Not one of our auditors."
    assert mailoutbox[-1].to == ["paula@example.org"]
    assert "Nordic Audit declined your request" in mailoutbox[-1].subject
    assert "Not one of our auditors." in mailoutbox[-1].body


def test_asking_again_after_a_decline_turns_the_same_request_pending(
    auditor, firm, pending, firm_admin
):
    services.affiliation_decline(affiliation=pending, user=firm_admin, reason="Who are you?")

    again = services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)

    assert again.pk == pending.pk
    assert again.status == A.PENDING
    assert again.decline_reason == ""
    assert again.decided_by is None
    assert _actions(pending) == [
        "accreditation.affiliation.requested",
        "accreditation.affiliation.declined",
        "accreditation.affiliation.requested",
    ]


def test_ending_keeps_the_row_and_a_new_request_after_it_is_a_new_row(
    auditor, firm, pending, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    services.affiliation_confirm(affiliation=pending, user=firm_admin, since=D(2021, 1, 1))
    with pytest.raises(services.AccreditationError, match="before the start date"):
        services.affiliation_end(
            affiliation=pending, user=firm_admin, until=D(2020, 12, 31), reason="Left."
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_end(
            affiliation=pending, user=firm_admin, until=D(2024, 6, 30), reason="Moved on."
        )
    pending.refresh_from_db()
    assert (pending.status, pending.until) == (A.CONFIRMED, D(2024, 6, 30))
    assert {tuple(m.to) for m in mailoutbox[-2:]} == {("paula@example.org",), (firm_admin.email,)}
    with pytest.raises(services.AccreditationError, match="already ends on June 30, 2024"):
        services.affiliation_end(
            affiliation=pending, user=firm_admin, until=D(2024, 7, 30), reason="Again."
        )

    again = services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)

    assert again.pk != pending.pk
    assert again.status == A.PENDING
    assert Affiliation.objects.filter(auditor=auditor, firm=firm).count() == 2


def test_asking_again_while_an_end_date_lies_ahead_is_refused(auditor, firm, firm_admin):
    affiliation = AffiliationFactory(auditor=auditor, firm=firm)
    ahead = timezone.localdate() + datetime.timedelta(days=30)
    services.affiliation_end(
        affiliation=affiliation, user=firm_admin, until=ahead, reason="Leaving"
    )

    with pytest.raises(services.AccreditationError, match="ask again after that date"):
        services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)


def test_the_auditor_may_end_their_own_but_not_another_firms_admin(auditor, firm, other_admin):
    affiliation = AffiliationFactory(auditor=auditor, firm=firm)
    with pytest.raises(services.AccreditationError):
        services.affiliation_end(
            affiliation=affiliation, user=other_admin, until=D(2025, 1, 1), reason="x"
        )
    services.affiliation_end(
        affiliation=affiliation, user=auditor.user, until=D(2025, 1, 1), reason="I left."
    )
    assert _actions(affiliation) == ["accreditation.affiliation.ended"]


def test_a_pending_request_cannot_be_ended(pending, firm_admin):
    with pytest.raises(services.AccreditationError, match="Only a confirmed affiliation"):
        services.affiliation_end(
            affiliation=pending, user=firm_admin, until=D(2025, 1, 1), reason="x"
        )


def test_naming_a_firm_in_an_application_asks_the_firm(auditor, firm):
    version = StandardVersionFactory(standard__code="CoC", version="V2")
    services.application_create(
        auditor=auditor,
        firm=firm,
        standard_version=version,
        sectors=[sector_for(version.standard, "casthouse")],
        countries=["GN"],
    )
    affiliation = Affiliation.objects.get(auditor=auditor, firm=firm)
    assert affiliation.status == A.PENDING


# --- what counts: eligibility, register, firm overview, sittings -------------------------


def test_a_pending_or_declined_affiliation_does_not_count_until_the_firm_confirms(firm, firm_admin):
    accreditation = _accredited_through(firm)
    user = accreditation.auditor.user
    on = D(2024, 5, 1)

    answer = selectors.check_eligibility(user, "CoC", "casthouse", "GN", on)
    assert answer.reasons == ["the auditor does not work for Nordic Audit"]
    assert not _on_register(accreditation, on)

    affiliation = services.affiliation_request(auditor=accreditation.auditor, firm=firm, user=user)
    answer = selectors.check_eligibility(user, "CoC", "casthouse", "GN", on)
    assert answer.reasons == ["Nordic Audit has not yet confirmed that the auditor works for it"]
    assert not _on_register(accreditation, on)

    services.affiliation_decline(affiliation=affiliation, user=firm_admin, reason="Unknown")
    answer = selectors.check_eligibility(user, "CoC", "casthouse", "GN", on)
    assert answer.reasons == ["Nordic Audit declined the auditor's request to work for it"]
    assert not _on_register(accreditation, on)

    services.affiliation_request(auditor=accreditation.auditor, firm=firm, user=user)
    affiliation.refresh_from_db()
    services.affiliation_confirm(affiliation=affiliation, user=firm_admin, since=D(2020, 1, 1))
    assert selectors.check_eligibility(user, "CoC", "casthouse", "GN", on).eligible
    assert _on_register(accreditation, on)


def test_an_ended_affiliation_still_counts_before_its_end_and_not_after(firm, firm_admin):
    accreditation = _accredited_through(firm)
    user = accreditation.auditor.user
    affiliation = AffiliationFactory(auditor=accreditation.auditor, firm=firm, since=D(2021, 1, 1))
    services.affiliation_end(
        affiliation=affiliation, user=firm_admin, until=D(2024, 6, 30), reason="Left"
    )

    for on, counts in [
        (D(2020, 12, 31), False),
        (D(2021, 1, 1), True),
        (D(2024, 6, 30), True),
        (D(2024, 7, 1), False),
    ]:
        answer = selectors.check_eligibility(user, "CoC", "casthouse", "GN", on)
        assert answer.eligible is counts, (on, answer.reasons)
        assert _on_register(accreditation, on) is counts, on
    assert selectors.check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 7, 1)).reasons == [
        "the auditor left Nordic Audit on June 30, 2024"
    ]
    assert selectors.check_eligibility(user, "CoC", "casthouse", "GN", D(2020, 12, 31)).reasons == [
        "the auditor joined Nordic Audit only on Jan. 1, 2021"
    ]


def test_back_at_the_firm_after_an_end_counts_again_once_confirmed(firm, firm_admin):
    accreditation = _accredited_through(firm)
    auditor = accreditation.auditor
    first = AffiliationFactory(auditor=auditor, firm=firm, since=D(2020, 1, 1))
    services.affiliation_end(affiliation=first, user=firm_admin, until=D(2022, 12, 31), reason="x")
    second = services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)
    services.affiliation_confirm(affiliation=second, user=firm_admin, since=D(2024, 1, 1))

    def eligible(on):
        return selectors.check_eligibility(auditor.user, "CoC", "casthouse", "GN", on).eligible

    assert [eligible(d) for d in (D(2021, 6, 1), D(2023, 6, 1), D(2024, 6, 1))] == [
        True,
        False,
        True,
    ]
    assert [_on_register(accreditation, d) for d in (D(2021, 6, 1), D(2023, 6, 1))] == [
        True,
        False,
    ]


def test_the_register_names_only_firms_that_confirmed(firm, firm_admin):
    from accreditation.register.queries import current_firm_names

    auditor = AuditorFactory()
    AffiliationFactory(auditor=auditor, firm=firm)
    other = FirmFactory(name="Waiting Firm")
    services.affiliation_request(auditor=auditor, firm=other, user=auditor.user)

    assert current_firm_names([auditor.pk], timezone.localdate())[auditor.pk] == ["Nordic Audit"]


def test_the_firm_overview_lists_confirmed_auditors_and_pending_requests_apart(firm, pending):
    confirmed = AuditorFactory(user__full_name="Carla Confirmed", firm=firm)

    overview = selectors.firm_overview(firm)

    assert [row.auditor for row in overview.auditors] == [confirmed]
    assert overview.pending == [pending]
    assert overview.pending_count == 1


def test_sittings_go_only_to_confirmed_current_auditors(firm, firm_admin, pending):
    from courses.payments.firms import may_assign_sitting, sitting_candidates

    confirmed = AuditorFactory(firm=firm)
    ended = AuditorFactory()
    AffiliationFactory(auditor=ended, firm=firm, since=D(2020, 1, 1), until=D(2021, 1, 1))

    assert list(sitting_candidates(firm_admin)) == [confirmed.user]
    assert may_assign_sitting(firm_admin, pending.auditor.user) is False
    assert may_assign_sitting(firm_admin, ended.user) is False

    services.affiliation_confirm(affiliation=pending, user=firm_admin)
    assert may_assign_sitting(firm_admin, pending.auditor.user) is True


def test_a_pending_auditor_cannot_be_given_a_paid_sitting(
    firm, firm_admin, pending, staff, settings
):
    from courses.payments import services as payments
    from courses.payments.models import SittingVoucher
    from tests.payments.factories import ExamItemFactory

    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    item = ExamItemFactory(price=(15000, None), name="Exam sitting")
    order = payments.order_create(
        buyer=firm_admin,
        lines=[payments.LineRequest(item=item, quantity=1, for_firm_pool=True)],
        method="invoice",
    )
    payments.order_mark_paid(order=order, actor=staff, reference="BANK-1")
    voucher = SittingVoucher.objects.get()

    with pytest.raises(payments.PaymentError):
        payments.voucher_assign(voucher=voucher, person=pending.auditor.user, actor=firm_admin)

    services.affiliation_confirm(affiliation=pending, user=firm_admin)
    payments.voucher_assign(voucher=voucher, person=pending.auditor.user, actor=firm_admin)
    voucher.refresh_from_db()
    assert voucher.assigned_to == pending.auditor.user


# --- the firm admin's pages -------------------------------------------------------------


def test_the_firm_page_shows_pending_requests_with_confirm_and_decline(firm, firm_admin, pending):
    html = _client(firm_admin).get("/accreditation/firm/").content.decode()

    assert "Requests to work under the firm" in html
    assert "Paula Pending" in html
    assert f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/confirm/" in html
    assert f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/decline/" in html


def test_confirming_from_the_firm_page_asks_first_then_confirms(firm, firm_admin, pending):
    client = _client(firm_admin)
    url = f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/confirm/"

    page = client.get(url)
    assert page.status_code == 200
    assert "You confirm that Paula Pending audits for Nordic Audit" in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == A.PENDING  # showing the page decides nothing

    response = client.post(url, {"since": "2022-02-01"})
    assert response.status_code == 302
    assert response["Location"] == f"/accreditation/firm/{firm.pk}/affiliations/"
    pending.refresh_from_db()
    assert (pending.status, pending.since) == (A.CONFIRMED, D(2022, 2, 1))


def test_declining_from_the_firm_page_needs_a_reason(firm, firm_admin, pending):
    client = _client(firm_admin)
    url = f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/decline/"

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == A.PENDING

    response = client.post(url, {"reason": "Not with us."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decline_reason) == (A.DECLINED, "Not with us.")


def test_ending_from_the_firm_page(firm, firm_admin):
    affiliation = AffiliationFactory(
        auditor=AuditorFactory(user__full_name="Eric Ending"), firm=firm, since=D(2020, 1, 1)
    )
    url = f"/accreditation/firm/{firm.pk}/affiliations/{affiliation.pk}/end/"

    response = _client(firm_admin).post(url, {"until": "2024-06-30", "reason": "Retired."})

    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.until == D(2024, 6, 30)


def test_a_refused_decision_shows_on_the_form(firm, firm_admin, pending):
    services.affiliation_confirm(affiliation=pending, user=firm_admin)
    url = f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/decline/"

    response = _client(firm_admin).post(url, {"reason": "Too late."})

    assert response.status_code == 200
    assert "does not apply to this affiliation any more" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == A.CONFIRMED


def test_an_admin_of_another_firm_gets_404_and_a_plain_member_403(firm, pending, other_admin):
    urls = [
        f"/accreditation/firm/{firm.pk}/affiliations/",
        f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/confirm/",
        f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/decline/",
    ]
    other = _client(other_admin)
    member = _client(MemberFactory())
    for url in urls:
        assert other.get(url).status_code == 404, url
        assert other.post(url, {"reason": "x"}).status_code == 404, url
        assert member.get(url).status_code == 403, url
        assert member.post(url, {"reason": "x"}).status_code == 403, url
        assert Client().get(url).status_code == 302, url
    pending.refresh_from_db()
    assert pending.status == A.PENDING


def test_another_firms_affiliation_id_answers_404_under_my_firm(firm, firm_admin, staff):
    elsewhere = services.affiliation_request(
        auditor=AuditorFactory(), firm=FirmFactory(), user=staff
    )
    url = f"/accreditation/firm/{firm.pk}/affiliations/{elsewhere.pk}/confirm/"

    assert _client(firm_admin).post(url, {}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == A.PENDING


def test_an_unknown_action_answers_404(firm, firm_admin, pending):
    url = f"/accreditation/firm/{firm.pk}/affiliations/{pending.pk}/delete/"
    assert _client(firm_admin).get(url).status_code == 404


def test_the_firms_list_searches_filters_and_pages(firm, firm_admin, staff):
    for i in range(30):
        services.affiliation_request(
            auditor=AuditorFactory(user__full_name=f"Waiting {i:02d}"), firm=firm, user=staff
        )
    AuditorFactory(user__full_name="Carla Confirmed", firm=firm)
    client = _client(firm_admin)
    url = f"/accreditation/firm/{firm.pk}/affiliations/"

    first = client.get(url)
    assert first.context["page_obj"].paginator.count == 30
    assert len(first.context["page_obj"].object_list) == 25
    assert len(client.get(url, {"page": 2}).context["page_obj"].object_list) == 5
    assert "Carla Confirmed" not in first.content.decode()

    found = client.get(url, {"q": "waiting 07"}).context["page_obj"]
    assert [a.auditor.user.full_name for a in found.object_list] == ["Waiting 07"]

    current = client.get(url, {"status": "current"}).content.decode()
    assert "Carla Confirmed" in current and "Waiting 07" not in current

    empty = client.get(url, {"q": "nobody"}).content.decode()
    assert "No auditor matches your search." in empty


# --- the auditor's pages -----------------------------------------------------------------


def test_the_auditor_sees_each_firms_answer_where_they_apply(auditor, firm, firm_admin):
    services.affiliation_request(auditor=auditor, firm=firm, user=auditor.user)
    other = FirmFactory(name="Andes Audit", admins=[UserFactory()])
    declined = services.affiliation_request(auditor=auditor, firm=other, user=auditor.user)
    services.affiliation_decline(
        affiliation=declined, user=other.admins.get(), reason="No record of you."
    )
    client = _client(auditor.user)

    mine = client.get("/accreditation/").content.decode()
    assert "Waiting for the firm to confirm" in mine
    assert "No record of you." in mine

    version = StandardVersionFactory(standard__code="CoC")
    apply_page = client.get(f"/accreditation/apply/{version.pk}/")
    assert apply_page.status_code == 200
    html = apply_page.content.decode()
    assert "Your firms" in html
    assert "Waiting for the firm to confirm" in html and "No record of you." in html


# --- staff in the Wagtail admin ------------------------------------------------------------


def test_staff_confirm_on_the_firms_behalf_with_a_confirmation_step(staff_client, pending):
    index = staff_client.get("/admin/accreditation/affiliations/")
    assert index.status_code == 200
    assert "Paula Pending" in index.content.decode()

    url = f"/admin/accreditation/affiliations/{pending.pk}/confirm/"
    step = staff_client.post(url, {"since": "2023-01-01"})
    assert step.status_code == 200
    assert 'name="confirm" value="yes"' in step.content.decode()
    pending.refresh_from_db()
    assert pending.status == A.PENDING

    done = staff_client.post(url, {"since": "2023-01-01", "confirm": "yes"})
    assert done.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.since) == (A.CONFIRMED, D(2023, 1, 1))
    detail = staff_client.get(f"/admin/accreditation/affiliations/{pending.pk}/")
    assert "Affiliation to a firm confirmed" in detail.content.decode()


def test_staff_decline_needs_a_reason(staff_client, pending):
    url = f"/admin/accreditation/affiliations/{pending.pk}/decline/"
    assert staff_client.post(url, {"reason": "", "confirm": "yes"}).status_code == 200
    pending.refresh_from_db()
    assert pending.status == A.PENDING
    staff_client.post(url, {"reason": "Unknown to the firm.", "confirm": "yes"})
    pending.refresh_from_db()
    assert pending.status == A.DECLINED


def test_the_staff_screens_are_not_for_firm_admins(firm_admin, pending):
    client = _client(firm_admin)
    for url in (
        "/admin/accreditation/affiliations/",
        f"/admin/accreditation/affiliations/{pending.pk}/",
    ):
        assert client.get(url).status_code in (302, 403), url
    client.post(f"/admin/accreditation/affiliations/{pending.pk}/confirm/", {"confirm": "yes"})
    pending.refresh_from_db()
    assert pending.status == A.PENDING


def test_the_staff_list_filters_by_firm_and_searches(staff_client, staff_user, firm, pending):
    other = services.affiliation_request(
        auditor=AuditorFactory(user__full_name="Omar Other"), firm=FirmFactory(), user=staff_user
    )
    listing = staff_client.get("/admin/accreditation/affiliations/", {"firm": firm.pk})
    names = [a.auditor.user.full_name for a in listing.context["page_obj"].object_list]
    assert names == ["Paula Pending"]
    listing = staff_client.get("/admin/accreditation/affiliations/", {"q": "omar"})
    assert list(listing.context["page_obj"].object_list) == [other]


# --- demo ----------------------------------------------------------------------------------


def test_the_demo_has_a_pending_request_and_seeding_twice_changes_nothing():
    from accreditation import demo
    from lms import demo as lms_demo

    lms_demo.seed()
    demo.seed()
    rows = list(Affiliation.objects.order_by("pk").values_list("pk", "status", "until"))
    entries = ModelLogEntry.objects.count()

    demo.seed()

    assert list(Affiliation.objects.order_by("pk").values_list("pk", "status", "until")) == rows
    assert ModelLogEntry.objects.count() == entries
    paula = AuditorProfile.objects.get(user__email="paula.pending@example.org")
    request = Affiliation.objects.get(auditor=paula)
    assert request.status == A.PENDING
    assert request.firm.slug == "nordic-certification"
    confirmed = Affiliation.objects.filter(status=A.CONFIRMED).exclude(auditor=paula)
    assert confirmed.exists()


def test_the_firm_and_auditor_admin_pages_lead_to_the_affiliations(staff_client, firm, pending):
    firms = staff_client.get("/admin/accreditation/firms/").content.decode()
    assert f"/admin/accreditation/affiliations/?firm={firm.pk}&amp;status=all" in firms
    auditors = staff_client.get("/admin/accreditation/auditors/").content.decode()
    assert f"/admin/accreditation/affiliations/?auditor={pending.auditor_id}" in auditors
    edit = staff_client.get(f"/admin/accreditation/auditors/edit/{pending.auditor_id}/")
    assert edit.status_code == 200
    assert "Waiting for the firm" in edit.content.decode()

    listing = staff_client.get(
        "/admin/accreditation/affiliations/", {"auditor": pending.auditor_id, "status": "all"}
    )
    assert list(listing.context["page_obj"].object_list) == [pending]


def test_the_application_review_warns_while_the_firm_has_not_confirmed(staff_client, auditor, firm):
    version = StandardVersionFactory(standard__code="CoC")
    application = services.application_create(
        auditor=auditor,
        firm=firm,
        standard_version=version,
        sectors=[sector_for(version.standard, "casthouse")],
        countries=["GN"],
    )
    url = f"/admin/accreditation/applications/review/{application.pk}/"

    html = staff_client.get(url).content.decode()
    assert "Nordic Audit has not yet confirmed that the auditor works for it" in html

    affiliation = Affiliation.objects.get(auditor=auditor, firm=firm)
    services.affiliation_confirm(affiliation=affiliation, user=firm.admins.get())
    assert "has not yet confirmed" not in staff_client.get(url).content.decode()
