"""Rows that wait for staff, one helper per queue of ``lms.work_queues`` (and rows that must
not be counted), for the work-queue and digest tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accreditation.models import (
    Affiliation,
    Application,
    FirmApplication,
    ScopeStatus,
    ScopeStatusChange,
)
from courses.models import Submission, SubmissionStatus
from courses.payments.models import Invoice, Order, OrderStatus, PaymentMethod
from courses.quiz.models import Attempt, AttemptStatus, Response
from tests.accreditation.factories import (
    AccreditationFactory,
    AffiliationFactory,
    ApplicationFactory,
    FirmFactory,
)
from tests.courses.factories import AssignmentFactory
from tests.factories import UserFactory
from tests.quiz.factories import QuizFactory, essay

_invoice_sequence = iter(range(1, 1_000_000))


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def application(*, status=Application.Status.READY_FOR_REVIEW, submitted_days_ago: int = 3):
    return ApplicationFactory(status=status, submitted_at=days_ago(submitted_days_ago))


def affiliation_request(*, requested_days_ago: int | None, status=Affiliation.Status.PENDING):
    return AffiliationFactory(
        status=status,
        requested_at=days_ago(requested_days_ago) if requested_days_ago is not None else None,
    )


def accreditation_ending_in(days: int, *, scope=None):
    """An accreditation whose scope elements (active since 2020) end ``days`` from today."""
    today = timezone.localdate()
    return AccreditationFactory(
        valid_until=today + datetime.timedelta(days=days),
        **({"scope": scope} if scope else {}),
    )


def suspend(accreditation, *, days_ago: int = 1) -> None:
    for element in accreditation.scope.all():
        ScopeStatusChange.objects.create(
            element=element,
            status=ScopeStatus.SUSPENDED,
            effective_from=timezone.localdate() - datetime.timedelta(days=days_ago),
        )


def submission(*, status=SubmissionStatus.SUBMITTED) -> Submission:
    return Submission.objects.create(
        assignment=AssignmentFactory(), user=UserFactory(), text="My answer", status=status
    )


def essays_waiting(count: int = 1, *, submitted_days_ago: int = 2, marked: int = 0) -> Attempt:
    """An attempt waiting for marking with ``count`` essays still to mark and ``marked``
    essays already marked."""
    submitted = days_ago(submitted_days_ago)
    attempt = Attempt.objects.create(
        quiz=QuizFactory(),
        user=UserFactory(),
        number=1,
        status=AttemptStatus.NEEDS_MARKING,
        started_at=submitted - datetime.timedelta(hours=1),
        submitted_at=submitted,
        pass_mark=Decimal("50"),
    )
    for position in range(count + marked):
        Response.objects.create(
            attempt=attempt,
            position=position,
            question=essay(),
            snapshot={"qtype": "essay", "name": "Essay question", "text": "Explain."},
            max_mark=Decimal("1"),
            answer={"text": "An essay"},
            needs_marking=position < count,
        )
    return attempt


def order(
    *,
    method=PaymentMethod.INVOICE,
    status=OrderStatus.PENDING,
    invoice_days_ago: int | None = 0,
) -> Order:
    """An order of EUR 100; an invoice issued ``invoice_days_ago`` days ago unless None."""
    placed = Order.objects.create(
        buyer=UserFactory(), currency="EUR", total=10000, method=method, status=status
    )
    if invoice_days_ago is not None:
        issued = timezone.localdate() - datetime.timedelta(days=invoice_days_ago)
        Order.objects.filter(pk=placed.pk).update(created_at=days_ago(invoice_days_ago))
        sequence = next(_invoice_sequence)
        Invoice.objects.create(
            order=placed,
            number=f"INV-TEST-{sequence:06d}",
            year=issued.year,
            sequence=sequence,
            issued_on=issued,
            due_on=issued + datetime.timedelta(days=30),
            seller_details="Seller",
            buyer_details="Buyer",
        )
    return placed


def firm_application(*, submitted_days_ago: int = 4) -> FirmApplication:
    """A firm's application submitted and waiting for a decision."""
    return FirmApplication.objects.create(
        applicant=UserFactory(),
        legal_name=f"Applying Firm {FirmApplication.objects.count() + 1}",
        country="DE",
        scheme="17065",
        accreditation_body="DAkkS",
        accreditation_number="D-1",
        accreditation_scope="Products",
        accreditation_expires_on=timezone.localdate() + datetime.timedelta(days=400),
        certificate="accreditation/firm-certificates/none.pdf",
        admin_name="Applicant",
        admin_email="applicant@example.org",
        status=FirmApplication.Status.SUBMITTED,
        submitted_at=days_ago(submitted_days_ago),
    )


def firm_renewal_overdue(*, days: int = 3):
    """A firm whose accreditation period (and so its yearly renewal) ended ``days`` ago."""
    today = timezone.localdate()
    return FirmFactory(
        period=(today - datetime.timedelta(days=365), today - datetime.timedelta(days=days))
    )


def one_of_each() -> None:
    """One row waiting in every queue."""
    application()
    affiliation_request(requested_days_ago=10)
    accreditation_ending_in(30)
    firm_application()
    firm_renewal_overdue()
    submission()
    essays_waiting()
    order(invoice_days_ago=45)
    erasure_request()


def erasure_request() -> None:
    """A person's request to be erased, waiting for staff."""
    from django.utils import timezone

    from lms.privacy.models import ErasureRequest

    ErasureRequest.objects.create(user=UserFactory(), requested_at=timezone.now())


def staff_with(*perms: str, name: str = "Limited staff"):
    """A person (not secretariat) with admin access and only the given permissions
    (``app_label.codename``), in a group of their own."""
    group = Group.objects.create(name=f"Work-queue test: {name}")
    codes = ["wagtailadmin.access_admin", *perms]
    for code in codes:
        app_label, codename = code.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    person = UserFactory()
    person.groups.add(group)
    return person
