"""Every kind of e-mail the site sends is written in its recipient's language
(``lms.i18n.language_of``), whatever language the action that sends it ran in; reminders and
decisions are not sent to inactive (erased, switched-off) accounts.

Each kind below is triggered through the service or task that sends it in production, for a
French recipient, while the site runs in English. Account e-mails (allauth's confirmation and
password reset) are covered in tests/lms/test_i18n.py."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from accreditation import services as accreditation_services
from accreditation.models import Requirement
from accreditation.services.firm_onboarding import firm_admin_add, send_renewal_reminders
from courses.payments import services as payments_services
from courses.payments.tasks import notify_secretariat_mismatch
from lms.members.services import invitation_send
from lms.privacy.erasure import erasure_request_create
from lms.privacy.export import export_request
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
)
from tests.factories import OrganisationFactory, SecretariatFactory, UserFactory
from tests.lms import work_queue_data
from tests.payments.factories import CourseItemFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _decision(person, staff):
    accreditation = AccreditationFactory(auditor=AuditorFactory(user=person))
    accreditation_services.accreditation_suspend(
        accreditation=accreditation, actor=staff, reason="Findings of the last audit"
    )


def _scope_expiry_reminder(person, staff):
    AccreditationFactory(
        auditor=AuditorFactory(user=person), valid_from=D(2022, 1, 1), valid_until=D(2025, 6, 30)
    )
    accreditation_services.run_daily(on=D(2025, 6, 25))


def _firm_expiry_reminder(person, staff):
    FirmFactory(period=(D(2024, 7, 1), D(2025, 6, 30)), admins=[person])
    accreditation_services.run_daily(on=D(2025, 6, 1))


def _firm_renewal_reminder(person, staff):
    FirmFactory(period=(D(2029, 7, 1), D(2030, 6, 30)), admins=[person])
    send_renewal_reminders(on=D(2030, 5, 1))


def _transition_reminder(person, staff):
    from courses.models import Course

    version = StandardVersionFactory(standard__code="PS")
    version.transition_deadline = D(2030, 3, 31)
    version.save()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=version),
        kind=Requirement.Kind.COURSE_COMPLETED,
        course=Course.objects.create(title="Transition", slug="transition-course"),
        title="PS V3 transition",
        is_transition=True,
    )
    AccreditationFactory(auditor=AuditorFactory(user=person), standard_version=version)
    accreditation_services.run_daily(on=D(2030, 3, 24))


def _affiliation_requested(person, staff):
    auditor = AuditorFactory()
    accreditation_services.affiliation_request(
        auditor=auditor, firm=FirmFactory(admins=[person]), user=auditor.user
    )


def _firm_admin_added(person, staff):
    admin = UserFactory()
    firm = FirmFactory(admins=[admin])
    firm_admin_add(firm=firm, email=person.email, actor=admin)


def _order_invoice_and_receipt(person, staff):
    order = payments_services.order_create(
        buyer=person,
        lines=[payments_services.LineRequest(item=CourseItemFactory(price=(20000, 0)))],
        method="invoice",
    )
    payments_services.order_mark_paid(order=order, actor=staff, reference="BANK-1")


def _payment_mismatch_to_the_secretariat(person, staff):
    person.groups.set(SecretariatFactory().groups.all())
    order = payments_services.order_create(
        buyer=UserFactory(),
        lines=[payments_services.LineRequest(item=CourseItemFactory(price=(20000, 0)))],
        method="invoice",
    )
    notify_secretariat_mismatch.enqueue(order.pk, "evt_1")


def _invitation(person, staff):
    invitation_send(organisation=OrganisationFactory(), email=person.email, actor=staff)


def _erasure_requested(person, staff):
    erasure_request_create(user=person)


def _data_export_ready(person, staff):
    export_request(user=person)


def _staff_digest(person, staff):
    staff.preferred_language = person.preferred_language
    staff.save(update_fields=["preferred_language"])
    work_queue_data.application()
    call_command("staff_digest")
    return staff  # the digest goes to staff with a second factor


#: What triggers each kind of e-mail, for ``person`` (French); returns who receives it when
#: that is not ``person``.
KINDS: dict[str, tuple[Callable, str]] = {
    # kind: (trigger, French words the message must contain)
    "accreditation decision": (_decision, "Bonjour"),
    "accreditation expiry reminder": (_scope_expiry_reminder, "Bonjour"),
    "firm accreditation expiry reminder": (_firm_expiry_reminder, "Bonjour"),
    "firm renewal fee reminder": (_firm_renewal_reminder, "Bonjour"),
    "transition training reminder": (_transition_reminder, "Bonjour"),
    "affiliation request to the firm's admins": (_affiliation_requested, "Bonjour"),
    "firm administrator added": (_firm_admin_added, "Bonjour"),
    "invoice and receipt": (_order_invoice_and_receipt, "Bonjour"),
    "payment mismatch to the secretariat": (
        _payment_mismatch_to_the_secretariat,
        "Le paiement ne correspond pas",
    ),
    "member invitation": (_invitation, "Rejoignez"),
    "erasure request received": (_erasure_requested, "Bonjour"),
    "data export ready": (_data_export_ready, "Bonjour"),
    "staff work-queue digest": (_staff_digest, "Bonjour"),
}


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_email_is_written_in_the_recipients_language(
    kind, staff_user, no_stripe, django_capture_on_commit_callbacks
):
    person = UserFactory(preferred_language="fr", full_name="Jeanne Dupont")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        recipient = KINDS[kind][0](person, staff_user) or person

    messages = [m for m in mail.outbox if recipient.email in m.to]
    assert messages, f"no {kind} e-mail was sent"
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        assert KINDS[kind][1] in text, (kind, text)
        assert "Hello" not in message.body and "Dear " not in message.body


def test_reminders_and_decisions_skip_inactive_accounts(
    staff_user, django_capture_on_commit_callbacks
):
    gone = UserFactory(is_active=False)
    active_admin = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _decision(gone, staff_user)
        AccreditationFactory(
            auditor=AuditorFactory(user=UserFactory(is_active=False)),
            valid_from=D(2022, 1, 1),
            valid_until=D(2025, 6, 30),
        )
        FirmFactory(period=(D(2024, 7, 1), D(2025, 6, 30)), admins=[gone, active_admin])
        report = accreditation_services.run_daily(on=D(2025, 6, 25))
        FirmFactory(period=(D(2029, 7, 1), D(2030, 6, 30)), admins=[gone, active_admin])
        renewals = send_renewal_reminders(on=D(2030, 5, 1))

    recipients = [address for message in mail.outbox for address in message.to]
    assert recipients and set(recipients) == {active_admin.email}
    assert not any("-> " + gone.email in line for line in report.reminders + renewals)
