"""The daily digest for staff: ``python manage.py staff_digest [--dry-run]``."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.core.management import call_command

from lms.models import DigestSent
from tests.conftest import TEST_TOTP_SECRET
from tests.factories import MemberFactory, SecretariatFactory
from tests.lms import work_queue_data as data

pytestmark = pytest.mark.django_db


def _digest(*args) -> str:
    out = StringIO()
    call_command("staff_digest", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Runs the command and the e-mails it queues after commit."""

    def run(*args) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return _digest(*args)

    return run


def test_each_staff_member_gets_one_email_listing_what_waits(run, staff_user):
    data.application()
    data.application()
    data.submission()
    data.order(invoice_days_ago=45)
    output = run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff_user.email]
    assert "Work is waiting for you in 4 queues" in message.subject
    body = message.body
    assert "Applications ready for review: 2" in body
    assert "http://testserver/admin/accreditation/applications/?status=ready_for_review" in body
    assert "Assignment submissions to mark: 1" in body
    assert "Orders awaiting payment by invoice: 1" in body
    assert "Invoices unpaid for more than 30 days: 1" in body
    # Empty queues are left out.
    assert "Essays to mark" not in body
    assert "Affiliations waiting" not in body
    assert f"digest sent: {staff_user.email}" in output
    assert DigestSent.objects.filter(user=staff_user).count() == 1


def test_only_active_secretariat_with_a_second_factor_and_an_email_get_it(run, staff_user):
    data.application()
    without_second_factor = SecretariatFactory()
    inactive = SecretariatFactory(is_active=False)
    TOTP.activate(inactive, TEST_TOTP_SECRET)
    member = MemberFactory()
    TOTP.activate(member, TEST_TOTP_SECRET)
    run()
    recipients = [address for message in mail.outbox for address in message.to]
    assert recipients == [staff_user.email]
    assert without_second_factor.email not in recipients


def test_two_staff_members_get_one_email_each(run, staff_user):
    colleague = SecretariatFactory()
    TOTP.activate(colleague, TEST_TOTP_SECRET)
    data.submission()
    data.essays_waiting()
    run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff_user.email, colleague.email])
    assert all("Essays to mark: 1" in m.body for m in mail.outbox)


def test_nothing_is_sent_when_every_queue_is_empty(run, staff_user):
    output = run()
    assert mail.outbox == []
    assert not DigestSent.objects.exists()
    assert "0 digest(s) sent, 1 with nothing waiting" in output


def test_running_twice_a_day_sends_once(run, staff_user):
    data.submission()
    run()
    data.submission()
    output = run()
    assert len(mail.outbox) == 1
    assert "1 already sent today" in output
    assert DigestSent.objects.filter(user=staff_user).count() == 1


def test_dry_run_sends_and_records_nothing(run, staff_user):
    data.submission()
    output = run("--dry-run")
    assert mail.outbox == []
    assert not DigestSent.objects.exists()
    assert f"digest would be sent: {staff_user.email}" in output
    assert "Dry run: nothing was sent." in output
    run()
    assert len(mail.outbox) == 1
