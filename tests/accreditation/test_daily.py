"""`accreditation_daily` expires, reminds, and is safe to run twice."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from accreditation.models import ReminderSent, Requirement, ScopeStatus
from accreditation.selectors import element_status_on
from tests.accreditation.factories import (
    AccreditationFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily(django_capture_on_commit_callbacks):
    """Runs the command as cron would, with the after-commit e-mails executed."""

    def run(day: str):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("accreditation_daily", "--date", day)

    return run


D = datetime.date


def test_daily_expires_due_elements_once_and_emails_the_auditor(daily):
    accreditation = AccreditationFactory(valid_from=D(2022, 1, 1), valid_until=D(2025, 3, 31))
    daily("2025-04-01")
    element = accreditation.scope.get()
    element.refresh_from_db()
    assert element_status_on(element, D(2025, 4, 1)) == (ScopeStatus.EXPIRED, D(2025, 4, 1))
    expired = ModelLogEntry.objects.get(action="accreditation.expired")
    assert (expired.object_id, expired.user) == (str(accreditation.pk), None)
    expired_mails = [m for m in mail.outbox if "Accreditation expired" in m.subject]
    assert [m.to for m in expired_mails] == [[accreditation.auditor.user.email]]
    daily("2025-04-01")
    assert ModelLogEntry.objects.filter(action="accreditation.expired").count() == 1
    assert element.changes.count() == 2


def test_reminders_90_30_7_days_before_expiry_sent_once_each(daily):
    accreditation = AccreditationFactory(valid_from=D(2022, 1, 1), valid_until=D(2025, 6, 30))
    email = accreditation.auditor.user.email

    def reminders():
        return [m for m in mail.outbox if "expires in" in m.subject and m.to == [email]]

    daily("2025-03-01")  # 121 days: nothing
    assert reminders() == []
    daily("2025-04-01")  # 90 days
    daily("2025-04-01")  # run twice
    assert [m.subject for m in reminders()] == [
        "[ASI Learning] Your accreditation expires in 90 days"
    ]
    daily("2025-05-31")  # 30 days
    daily("2025-06-23")  # 7 days
    daily("2025-06-24")  # 6 days: nothing new
    assert len(reminders()) == 3
    assert "7 days" in reminders()[-1].subject


def test_missed_runs_send_only_the_latest_threshold(daily):
    accreditation = AccreditationFactory(valid_from=D(2022, 1, 1), valid_until=D(2025, 6, 30))
    daily("2025-06-25")  # first run: 5 days left
    subjects = [m.subject for m in mail.outbox if m.to == [accreditation.auditor.user.email]]
    assert subjects == ["[ASI Learning] Your accreditation expires in 5 days"]
    assert ReminderSent.objects.count() == 3


def test_firm_admins_are_reminded_before_the_firm_accreditation_ends(daily):
    admin = UserFactory()
    FirmFactory(period=(D(2024, 7, 1), D(2025, 6, 30)), admins=[admin])
    daily("2025-06-01")
    assert [m.subject for m in mail.outbox if m.to == [admin.email]] == [
        "[ASI Learning] Your firm's accreditation expires in 29 days"
    ]


def test_transition_deadline_reminder_goes_to_auditors_without_the_training(daily):
    from courses.models import Course

    course = Course.objects.create(title="Transition", slug="transition-course")
    version = StandardVersionFactory(standard__code="PS")
    version.transition_deadline = D(2030, 3, 31)
    version.save()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=version),
        kind=Requirement.Kind.COURSE_COMPLETED,
        course=course,
        title="PS V3 transition",
        is_transition=True,
    )
    accreditation = AccreditationFactory(standard_version=version)
    daily("2030-03-24")
    messages = [m for m in mail.outbox if m.to == [accreditation.auditor.user.email]]
    assert [m.subject for m in messages] == ["[ASI Learning] Transition training due in 7 days"]
    assert "PS V3 transition" in messages[0].body
