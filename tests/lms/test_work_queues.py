"""Staff work queues (``lms.work_queues``): what each app counts, who sees which queue, a
fixed number of queries, and the panel on the admin dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accreditation.models import Affiliation, Application
from courses.models import SubmissionStatus
from courses.payments.models import OrderStatus, PaymentMethod
from lms.work_queues import QueueItem, waiting, work_queues
from tests.conftest import TEST_TOTP_SECRET, login_with_mfa
from tests.factories import MemberFactory
from tests.lms import work_queue_data as data

pytestmark = pytest.mark.django_db


def _by_app(items: list[QueueItem]) -> dict[str, list[QueueItem]]:
    grouped: dict[str, list[QueueItem]] = {}
    for item in items:
        grouped.setdefault(item.app, []).append(item)
    return grouped


def _counts(user) -> list[tuple[str, int]]:
    return [(item.app, item.count) for item in work_queues(user)]


def test_secretariat_sees_every_queue_in_order_and_all_empty_at_first(staff_user):
    assert _counts(staff_user) == [
        ("accreditation", 0),
        ("accreditation", 0),
        ("accreditation", 0),
        ("accreditation", 0),  # firm applications to review
        ("accreditation", 0),  # firm renewals overdue
        ("courses", 0),
        ("quiz", 0),
        ("payments", 0),
        ("payments", 0),
        ("privacy", 0),  # erasure requests to decide
    ]
    assert waiting(work_queues(staff_user)) == []


def test_applications_ready_for_review_are_counted_with_the_oldest(staff_user):
    oldest = data.application(submitted_days_ago=9)
    data.application(submitted_days_ago=2)
    data.application(status=Application.Status.SUBMITTED)
    data.application(status=Application.Status.IN_TRAINING)
    data.application(status=Application.Status.GRANTED)
    item = _by_app(work_queues(staff_user))["accreditation"][0]
    assert item.count == 2
    assert item.oldest == oldest.submitted_at
    assert item.url == "/admin/accreditation/applications/?status=ready_for_review"


def test_affiliations_waiting_more_than_seven_days_are_counted(staff_user):
    oldest = data.affiliation_request(requested_days_ago=20)
    data.affiliation_request(requested_days_ago=8)
    data.affiliation_request(requested_days_ago=6)  # not yet a week
    data.affiliation_request(requested_days_ago=None)  # no request date
    data.affiliation_request(requested_days_ago=30, status=Affiliation.Status.CONFIRMED)
    data.affiliation_request(requested_days_ago=30, status=Affiliation.Status.DECLINED)
    item = _by_app(work_queues(staff_user))["accreditation"][1]
    assert item.count == 2
    assert item.oldest == oldest.requested_at
    assert "7" in item.label


def test_accreditations_active_today_and_ending_within_90_days_are_counted_once(staff_user):
    data.accreditation_ending_in(0)  # last day today
    data.accreditation_ending_in(90, scope=[("casthouse", "DE"), ("casthouse", "GN")])
    data.accreditation_ending_in(91)  # outside the window
    data.accreditation_ending_in(-1)  # already ended
    data.suspend(data.accreditation_ending_in(30))  # suspended: renewal is not the question
    item = _by_app(work_queues(staff_user))["accreditation"][2]
    assert item.count == 2
    assert item.oldest is None


def test_assignment_submissions_waiting_for_marking_are_counted(staff_user):
    data.submission()
    data.submission()
    data.submission(status=SubmissionStatus.ACCEPTED)
    data.submission(status=SubmissionStatus.NEEDS_REVISION)
    [item] = _by_app(work_queues(staff_user))["courses"]
    assert item.count == 2
    assert item.oldest is not None


def test_essays_waiting_for_marking_are_counted(staff_user):
    oldest = data.essays_waiting(2, submitted_days_ago=5, marked=1)
    data.essays_waiting(1, submitted_days_ago=1)
    [item] = _by_app(work_queues(staff_user))["quiz"]
    assert item.count == 3
    assert item.oldest == oldest.submitted_at


def test_invoice_orders_awaiting_payment_and_overdue_invoices_are_counted(staff_user):
    data.order(invoice_days_ago=45)
    data.order(invoice_days_ago=31)
    data.order(invoice_days_ago=30)  # 30 days: not yet overdue
    data.order(invoice_days_ago=2)
    data.order(invoice_days_ago=45, status=OrderStatus.PAID)
    data.order(invoice_days_ago=45, status=OrderStatus.CANCELLED)
    data.order(method=PaymentMethod.CARD, invoice_days_ago=None)  # waits for Stripe
    awaiting, overdue = _by_app(work_queues(staff_user))["payments"]
    assert awaiting.count == 4
    assert overdue.count == 2
    today = timezone.localdate()
    assert overdue.oldest == today - datetime.timedelta(days=45)
    assert f"created_at_to={today - datetime.timedelta(days=31):%Y-%m-%d}" in overdue.url


def test_a_staff_member_without_the_permission_does_not_see_that_queue(db):
    data.one_of_each()
    marker = data.staff_with("courses.change_submission", name="Assignment markers")
    assert _counts(marker) == [("courses", 1)]
    essays = data.staff_with("quiz.change_response", name="Essay markers")
    assert _counts(essays) == [("quiz", 1)]
    # Viewing orders is not enough: the queue is for those who mark invoices paid.
    viewer = data.staff_with("payments.view_order", name="Order viewers")
    assert _counts(viewer) == []
    cashier = data.staff_with("payments.view_order", "payments.mark_paid_order", name="Cashiers")
    assert _counts(cashier) == [("payments", 1), ("payments", 1)]
    reviewer = data.staff_with("accreditation.change_application", name="Reviewers")
    assert _counts(reviewer) == [("accreditation", 1)]


def test_people_without_staff_rights_have_no_queues(db):
    data.one_of_each()
    assert work_queues(MemberFactory()) == []


def _queries_for_queues(user) -> int:
    work_queues(user)  # the person's permissions are loaded once per request
    with CaptureQueriesContext(connection) as queries:
        work_queues(user)
    return len(queries)


def test_queues_cost_one_query_each_whatever_the_number_waiting(staff_user):
    data.one_of_each()
    small = _queries_for_queues(staff_user)
    for _ in range(4):
        data.one_of_each()
    assert all(item.count == 5 for item in work_queues(staff_user))
    large = _queries_for_queues(staff_user)
    assert small == large == len(work_queues(staff_user))


def test_each_queue_links_to_a_list_that_opens(staff_client, staff_user):
    data.one_of_each()
    for item in work_queues(staff_user):
        response = staff_client.get(item.url)
        assert response.status_code == 200, item.url


def test_the_dashboard_panel_shows_counts_and_links(staff_client, staff_user):
    data.application()
    data.application()
    data.submission()
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Waiting for you" in html
    assert 'href="/admin/accreditation/applications/?status=ready_for_review"' in html
    assert "Applications ready for review" in html
    assert "<strong>2</strong>" in html
    assert "Assignment submissions to mark" in html
    assert "Nothing is waiting for you" not in html


def test_the_dashboard_panel_says_when_nothing_waits(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert "Waiting for you" in html
    assert "Nothing is waiting for you." in html


def test_staff_with_no_queue_of_theirs_see_no_panel(db):
    from allauth.mfa.totp.internal.auth import TOTP

    data.one_of_each()
    editor = data.staff_with("wagtailcore.add_page", name="Editors")
    TOTP.activate(editor, TEST_TOTP_SECRET)
    client = login_with_mfa(Client(), editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Waiting for you" not in response.content.decode()
