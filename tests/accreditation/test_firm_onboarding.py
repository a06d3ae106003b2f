"""Firm onboarding: a certification body applies online with its certificate (private),
pays the application fee through payments, staff approve (firm + period + admin + decision)
or reject (with a reason); the yearly renewal fee and its reminders; co-admins."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accreditation.models import AuditFirm, FirmApplication, FirmStatusChange, ReminderSent
from accreditation.selectors import firm_onboarding as onboarding
from accreditation.services import AccreditationError
from accreditation.services import firm_onboarding as services
from courses.payments import services as payments_services
from courses.payments.models import Kind, Order
from lms.storage import PrivateFileSystemStorage
from lms.work_queues import work_queues
from tests.accreditation.factories import FirmFactory
from tests.factories import UserFactory
from tests.payments.factories import BILLING, CatalogueItemFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a certificate\n"
APPLY = "/accreditation/firm-applications/apply/"


@pytest.fixture(autouse=True)
def _private_files_and_no_stripe(media_folders, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def applicant(db):
    return UserFactory(email="ana@certi.example", full_name="Ana Silva")


@pytest.fixture
def applicant_client(applicant) -> Client:
    client = Client()
    client.force_login(applicant)
    return client


@pytest.fixture
def fee_item(db):
    return CatalogueItemFactory(
        kind=Kind.FIRM_APPLICATION, name="Audit firm application fee", price=(150000, None)
    )


def _future(days: int = 400) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _form(**overrides) -> dict:
    data = {
        "legal_name": "Certi Audit GmbH",
        "country": "DE",
        "website": "https://certi.example",
        "scheme": "17065",
        "accreditation_body": "DAkkS",
        "accreditation_number": "D-ZE-12345-01",
        "accreditation_scope": "Certification of products: aluminium supply chain",
        "accreditation_expires_on": _future().isoformat(),
        "admin_name": "Ana Silva",
        "contact_phone": "",
        "confirm_admin": "on",
        "certificate": SimpleUploadedFile("certificate.pdf", PDF, "application/pdf"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _details(**overrides) -> dict:
    details = {
        "legal_name": "Certi Audit GmbH",
        "country": "DE",
        "website": "",
        "scheme": "17065",
        "accreditation_body": "DAkkS",
        "accreditation_number": "D-ZE-1",
        "accreditation_scope": "Products",
        "accreditation_expires_on": _future(),
        "admin_name": "Ana Silva",
        "admin_email": "ana@certi.example",
        "contact_phone": "",
    }
    details.update(overrides)
    return details


def _submitted(applicant, **overrides) -> FirmApplication:
    application = services.firm_application_create(
        applicant=applicant,
        details=_details(**overrides),
        certificate=SimpleUploadedFile("certificate.pdf", PDF, "application/pdf"),
    )
    return services.firm_application_submit(application=application, actor=applicant)


def _decide(client: Client, application, **data):
    url = reverse("accreditation_firm_application:detail", args=[application.pk])
    return client.post(url, {"confirm": "yes", **data})


# --- applying ---------------------------------------------------------------------------


def test_apply_page_needs_a_signed_in_person(client):
    response = client.get(APPLY)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(APPLY, _form()).status_code == 302
    assert not FirmApplication.objects.exists()


def test_a_firm_applies_checks_and_submits_its_application(applicant_client, applicant):
    page = applicant_client.get(APPLY)
    assert page.status_code == 200
    assert b"ana@certi.example" in page.content  # the first admin is the applicant

    response = applicant_client.post(APPLY, _form())

    application = FirmApplication.objects.get()
    assert response["Location"] == reverse("accreditation:firm_application", args=[application.pk])
    assert application.status == FirmApplication.Status.DRAFT
    assert application.applicant == applicant and application.admin_email == applicant.email
    assert application.original_filename == "certificate.pdf"
    # The certificate lives in the private storage, under a random name, with no URL.
    assert isinstance(application.certificate.storage, PrivateFileSystemStorage)
    assert "certificate" not in application.certificate.name.rsplit("/", 1)[-1]
    with pytest.raises(NotImplementedError):
        application.certificate.url  # noqa: B018

    applicant_client.post(reverse("accreditation:firm_application_submit", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == FirmApplication.Status.SUBMITTED
    assert application.submitted_at is not None
    assert ModelLogEntry.objects.filter(action="accreditation.firm_application.submitted").exists()
    # A submitted application is no longer edited.
    edit = reverse("accreditation:firm_application_edit", args=[application.pk])
    applicant_client.post(edit, _form(legal_name="Changed"))
    application.refresh_from_db()
    assert application.legal_name == "Certi Audit GmbH"


def test_a_draft_is_changed_keeping_or_replacing_its_certificate(
    applicant, applicant_client, django_capture_on_commit_callbacks
):
    draft = services.firm_application_create(
        applicant=applicant, details=_details(), certificate=SimpleUploadedFile("a.pdf", PDF)
    )
    edit = reverse("accreditation:firm_application_edit", args=[draft.pk])
    assert "A certificate is on file (a.pdf)" in applicant_client.get(edit).content.decode()
    first_file = draft.certificate.name

    response = applicant_client.post(edit, _form(legal_name="Certi Audit AG", certificate=None))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.legal_name == "Certi Audit AG" and draft.certificate.name == first_file

    png = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n rest", "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        applicant_client.post(edit, _form(certificate=png))
    draft.refresh_from_db()
    assert draft.original_filename == "b.png" and draft.certificate.name != first_file
    assert not draft.certificate.storage.exists(first_file)  # the replaced file is gone


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"accreditation_expires_on": timezone.localdate().isoformat()}, "in the future"),
        ({"certificate": SimpleUploadedFile("c.exe", PDF)}, "PDF, JPEG or PNG"),
        ({"certificate": SimpleUploadedFile("c.pdf", b"MZ\x90\x00 not a pdf")}, "not the kind"),
        ({"confirm_admin": None}, "This field is required"),
        ({"legal_name": "   "}, "This field is required"),
        ({"scheme": "9001"}, "Select a valid choice"),
    ],
)
def test_the_application_form_refuses_bad_input(applicant_client, overrides, error):
    response = applicant_client.post(APPLY, _form(**overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not FirmApplication.objects.exists()


def test_an_oversized_certificate_is_refused(applicant_client, monkeypatch):
    monkeypatch.setattr("accreditation.forms_onboarding.EVIDENCE_MAX_BYTES", 10)
    response = applicant_client.post(APPLY, _form())
    assert "larger than 10 MB" in response.content.decode()
    assert not FirmApplication.objects.exists()


def test_the_name_of_an_existing_firm_is_refused_whatever_its_case(applicant_client):
    FirmFactory(name="Certi Audit GmbH")
    response = applicant_client.post(APPLY, _form(legal_name="  certi audit gmbh "))
    assert "already accredited or known" in response.content.decode()
    assert not FirmApplication.objects.exists()


def test_a_second_application_for_a_name_waiting_for_a_decision_is_refused(applicant):
    _submitted(applicant)
    other = UserFactory()
    with pytest.raises(AccreditationError, match="already waiting for a decision"):
        services.firm_application_create(
            applicant=other,
            details=_details(legal_name="CERTI AUDIT GMBH"),
            certificate=SimpleUploadedFile("c.pdf", PDF),
        )
    # A draft saved before the other was submitted cannot be submitted either.
    FirmApplication.objects.update(status=FirmApplication.Status.DRAFT)
    draft = services.firm_application_create(
        applicant=other, details=_details(), certificate=SimpleUploadedFile("c.pdf", PDF)
    )
    first = FirmApplication.objects.exclude(pk=draft.pk).get()
    services.firm_application_submit(application=first, actor=applicant)
    with pytest.raises(AccreditationError, match="already waiting"):
        services.firm_application_submit(application=draft, actor=other)


def test_someone_elses_application_is_not_found(applicant):
    application = _submitted(applicant)
    stranger = Client()
    stranger.force_login(UserFactory())
    for name in ("firm_application", "firm_application_edit", "firm_application_fee"):
        assert (
            stranger.get(reverse(f"accreditation:{name}", args=[application.pk])).status_code == 404
        )
    submit = reverse("accreditation:firm_application_submit", args=[application.pk])
    assert stranger.post(submit).status_code == 404


def test_the_certificate_is_served_only_to_the_applicant_and_reviewing_staff(
    applicant, applicant_client, staff_client, client
):
    application = _submitted(applicant)
    url = reverse("accreditation:firm_application_certificate", args=[application.pk])

    mine = applicant_client.get(url)
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == PDF
    assert mine["Cache-Control"] == "private, no-store"
    assert staff_client.get(url).status_code == 200

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 403
    firm_admin = UserFactory()
    FirmFactory(admins=[firm_admin])
    other.force_login(firm_admin)
    assert other.get(url).status_code == 403


# --- the application fee ----------------------------------------------------------------


def test_the_applicant_pays_the_application_fee_by_invoice(
    applicant, applicant_client, fee_item, staff_user, django_capture_on_commit_callbacks
):
    application = _submitted(applicant)
    detail = reverse("accreditation:firm_application", args=[application.pk])
    assert "Pay the application fee" in applicant_client.get(detail).content.decode()

    fee_page = reverse("accreditation:firm_application_fee", args=[application.pk])
    assert b"Certi Audit GmbH" in applicant_client.get(fee_page).content
    applicant_client.post(fee_page, {"method": "invoice", "currency": "EUR", **BILLING})

    order = Order.objects.get()
    line = order.lines.get()
    assert (line.target_type, line.target_id) == (
        "accreditation.firmapplication",
        str(application.pk),
    )
    assert order.total == 150000
    assert "Waiting for payment" in applicant_client.get(detail).content.decode()
    assert not onboarding.firm_application_fee(application).is_paid

    with django_capture_on_commit_callbacks(execute=True):
        payments_services.order_mark_paid(order=order, actor=staff_user, reference="BANK-1")

    assert onboarding.firm_application_fee(application).is_paid
    assert "Fee paid" in applicant_client.get(detail).content.decode()
    listing = reverse("accreditation_firm_application:index")
    staff = Client()
    from tests.conftest import login_with_mfa

    login_with_mfa(staff, staff_user)
    assert "Certi Audit GmbH" in staff.get(listing + "?paid=yes").content.decode()
    assert "Certi Audit GmbH" not in staff.get(listing + "?paid=no").content.decode()


def test_a_draft_has_no_fee_page_yet(applicant, applicant_client, fee_item):
    draft = services.firm_application_create(
        applicant=applicant, details=_details(), certificate=SimpleUploadedFile("c.pdf", PDF)
    )
    fee_page = reverse("accreditation:firm_application_fee", args=[draft.pk])
    assert applicant_client.get(fee_page).status_code == 404


def test_without_a_fee_on_sale_the_page_says_so_and_staff_decide_anyway(
    applicant, applicant_client, staff_client
):
    application = _submitted(applicant)
    detail = reverse("accreditation:firm_application", args=[application.pk])
    assert "No application fee is on sale" in applicant_client.get(detail).content.decode()
    staff_page = staff_client.get(
        reverse("accreditation_firm_application:detail", args=[application.pk])
    )
    assert "decide without it" in staff_page.content.decode()

    _decide(staff_client, application, decision="approve", reason="Documents checked")

    assert AuditFirm.objects.filter(name="Certi Audit GmbH").exists()


# --- staff decide -----------------------------------------------------------------------


def test_staff_approve_after_confirming_creating_firm_period_admin_and_decision(
    applicant, staff_client, staff_user, django_capture_on_commit_callbacks
):
    application = _submitted(applicant, accreditation_expires_on=_future(200))
    url = reverse("accreditation_firm_application:detail", args=[application.pk])

    page = staff_client.post(url, {"decision": "approve", "reason": "Documents checked"})
    assert page.status_code == 200 and b"Confirm" in page.content  # the confirmation step
    assert not AuditFirm.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(
            staff_client, application, decision="approve", reason="Documents checked"
        )

    assert response.status_code == 302
    firm = AuditFirm.objects.get()
    assert firm.name == "Certi Audit GmbH" and firm.country == "DE" and firm.scheme == "17065"
    assert list(firm.admins.all()) == [applicant]
    period = firm.periods.get()
    today = timezone.localdate()
    # One year, but never beyond the ISO/IEC accreditation's expiry (200 days here).
    assert (period.valid_from, period.valid_until) == (today, _future(200))
    assert firm.status_changes.get().status == FirmStatusChange.Status.ACTIVE
    application.refresh_from_db()
    assert application.status == FirmApplication.Status.APPROVED
    assert application.firm == firm and application.decided_by == staff_user
    entry = ModelLogEntry.objects.get(action="accreditation.firm_application.approved")
    assert entry.data["reason"] == "Documents checked" and entry.data["firm"] == firm.pk
    assert entry.user == staff_user
    # In the decisions log report, and on the firm's decisions screen.
    log = staff_client.get(reverse("accreditation_decision:index"))
    assert "Firm application approved" in log.content.decode()
    decisions = staff_client.get(reverse("accreditation_firm:decisions", args=[firm.pk]))
    assert "Documents checked" in decisions.content.decode()
    detail = staff_client.get(url).content.decode()
    assert "Firm created" in detail and "Firm application approved" in detail
    assert any(
        m.to == [applicant.email] and "is accredited as an audit firm" in m.subject
        for m in mail.outbox
    )
    # The applicant now runs the firm.
    client = Client()
    client.force_login(applicant)
    assert "Certi Audit GmbH" in client.get(reverse("accreditation:firm_admin")).content.decode()


def test_approval_refuses_a_name_taken_meanwhile_and_writes_nothing(applicant, staff_user):
    application = _submitted(applicant)
    FirmFactory(name="Certi Audit GmbH")
    with pytest.raises(AccreditationError, match="already exists"):
        services.firm_application_approve(application=application, actor=staff_user, reason="ok")
    application.refresh_from_db()
    assert application.status == FirmApplication.Status.SUBMITTED
    assert AuditFirm.objects.count() == 1


def test_rejecting_needs_a_reason_and_tells_the_applicant(
    applicant, staff_client, staff_user, django_capture_on_commit_callbacks
):
    application = _submitted(applicant)

    response = _decide(staff_client, application, decision="reject", reason="   ")
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == FirmApplication.Status.SUBMITTED
    with pytest.raises(AccreditationError, match="reason is required"):
        services.firm_application_reject(application=application, actor=staff_user, reason="")

    with django_capture_on_commit_callbacks(execute=True):
        _decide(staff_client, application, decision="reject", reason="Certificate expired")

    application.refresh_from_db()
    assert application.status == FirmApplication.Status.REJECTED
    assert application.reason == "Certificate expired"
    assert not AuditFirm.objects.exists()
    entry = ModelLogEntry.objects.get(action="accreditation.firm_application.rejected")
    assert entry.data["reason"] == "Certificate expired"
    assert any(m.to == [applicant.email] and "Certificate expired" in m.body for m in mail.outbox)
    # A decided application is not decided again.
    with pytest.raises(AccreditationError):
        services.firm_application_approve(application=application, actor=staff_user, reason="x")


def test_only_reviewing_staff_see_and_decide_firm_applications(applicant, staff_user):
    application = _submitted(applicant)
    url = reverse("accreditation_firm_application:detail", args=[application.pk])
    member = Client()
    member.force_login(applicant)
    assert member.get(url).status_code != 200
    assert (
        member.post(url, {"decision": "approve", "reason": "me", "confirm": "yes"}).status_code
        != 200
    )
    with pytest.raises(AccreditationError):
        services.firm_application_approve(application=application, actor=applicant, reason="me")
    assert not AuditFirm.objects.exists()


def test_the_work_queue_counts_firm_applications_to_review(applicant, staff_user):
    _submitted(applicant)
    services.firm_application_create(
        applicant=applicant,
        details=_details(legal_name="Draft Firm"),
        certificate=SimpleUploadedFile("c.pdf", PDF),
    )
    item = next(i for i in work_queues(staff_user) if i.label == "Firm applications to review")
    assert item.count == 1
    assert item.url == "/admin/accreditation/firm-applications/?status=submitted"


# --- renewal ----------------------------------------------------------------------------


def _renewal_reminders(on, django_capture_on_commit_callbacks) -> list[str]:
    with django_capture_on_commit_callbacks(execute=True):
        return services.send_renewal_reminders(on=on)


def test_renewal_reminders_go_60_and_30_days_before_and_on_the_day_once_each(
    django_capture_on_commit_callbacks,
):
    due = datetime.date(2030, 6, 30)
    admins = [UserFactory(), UserFactory()]
    firm = FirmFactory(period=(datetime.date(2029, 7, 1), due), admins=admins)
    FirmFactory(period=(datetime.date(2029, 7, 1), due))  # no admin: nobody to remind

    def run(days_before: int) -> list[str]:
        return _renewal_reminders(
            due - datetime.timedelta(days=days_before), django_capture_on_commit_callbacks
        )

    assert run(61) == []
    mail.outbox.clear()
    assert len(run(60)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in admins)
    assert "due in 60 days" in mail.outbox[0].subject
    assert f"/accreditation/firm/{firm.pk}/fees/firm_renewal/" in mail.outbox[0].body
    assert run(60) == [] and run(45) == []  # once each
    assert len(run(30)) == 2
    assert run(29) == [] and run(1) == []
    assert len(run(0)) == 2
    assert "due today" in mail.outbox[-1].subject
    assert run(-1) == []  # overdue: staff see it; no more reminders
    assert ReminderSent.objects.filter(key=f"renewal:{firm.pk}:{due.isoformat()}").count() == 6


def test_a_missed_run_sends_the_reminder_late_once_and_a_paid_renewal_none(
    django_capture_on_commit_callbacks, staff_user
):
    today = timezone.localdate()
    due = today + datetime.timedelta(days=20)
    admin = UserFactory()
    firm = FirmFactory(period=(due - datetime.timedelta(days=364), due), admins=[admin])
    assert len(_renewal_reminders(today, django_capture_on_commit_callbacks)) == 1  # 30 days
    tomorrow = today + datetime.timedelta(days=1)
    assert _renewal_reminders(tomorrow, django_capture_on_commit_callbacks) == []

    item = CatalogueItemFactory(kind=Kind.FIRM_RENEWAL, name="Renewal fee")
    order = payments_services.firm_fee_checkout(buyer=admin, firm=firm, item=item, method="invoice")
    with django_capture_on_commit_callbacks(execute=True):
        payments_services.order_mark_paid(order=order, actor=staff_user, reference="BANK-2")
    assert onboarding.firm_renewal(firm).is_paid
    assert _renewal_reminders(due, django_capture_on_commit_callbacks) == []


def test_the_daily_run_sends_renewal_reminders(django_capture_on_commit_callbacks):
    from accreditation.services import run_daily

    due = datetime.date(2030, 6, 30)
    FirmFactory(period=(datetime.date(2029, 7, 1), due), admins=[UserFactory()])
    with django_capture_on_commit_callbacks(execute=True):
        run_daily(on=due - datetime.timedelta(days=90))  # the firm's expiry reminder
        report = run_daily(on=due - datetime.timedelta(days=60))
    assert [line for line in report.reminders if line.startswith("renewal:")]
    assert "is due in 60 days" in mail.outbox[-1].subject


def test_an_admin_gets_one_reminder_a_day_when_the_expiry_reminder_goes_the_same_day(
    django_capture_on_commit_callbacks,
):
    from accreditation.services import run_daily

    due = datetime.date(2030, 6, 30)
    admin = UserFactory()
    firm = FirmFactory(period=(datetime.date(2029, 7, 1), due), admins=[admin])
    with django_capture_on_commit_callbacks(execute=True):
        run_daily(on=due - datetime.timedelta(days=30))  # expiry (30) and renewal (30) both due
    assert len([m for m in mail.outbox if m.to == [admin.email]]) == 1
    assert ReminderSent.objects.filter(key=f"renewal:{firm.pk}:{due.isoformat()}").exists()


def test_firm_admin_page_shows_the_renewal_and_a_pay_button(client):
    admin = UserFactory()
    today = timezone.localdate()
    firm = FirmFactory(
        period=(today - datetime.timedelta(days=300), today + datetime.timedelta(days=64)),
        admins=[admin],
    )
    CatalogueItemFactory(kind=Kind.FIRM_RENEWAL, name="Renewal fee")
    client.force_login(admin)
    page = client.get(reverse("accreditation:firm_admin")).content.decode()
    assert "Yearly renewal" in page and "in 64 days" in page
    assert f"/accreditation/firm/{firm.pk}/fees/firm_renewal/" in page


def test_staff_see_overdue_renewals(staff_client, staff_user):
    today = timezone.localdate()
    overdue = FirmFactory(
        name="Late Firm",
        period=(today - datetime.timedelta(days=400), today - datetime.timedelta(days=5)),
    )
    withdrawn = FirmFactory(
        name="Gone Firm",
        period=(today - datetime.timedelta(days=400), today - datetime.timedelta(days=5)),
    )
    FirmStatusChange.objects.create(
        firm=withdrawn, status="withdrawn", effective_from=today, reason="x"
    )
    FirmFactory(name="Fine Firm")  # until 2030
    page = staff_client.get(reverse("accreditation_firm_application:renewals") + "?overdue=1")
    content = page.content.decode()
    assert "Late Firm" in content and "Gone Firm" not in content and "Fine Firm" not in content
    item = next(i for i in work_queues(staff_user) if i.label == "Firm renewals overdue")
    assert item.count == 1 and item.oldest == overdue.periods.get().valid_until


# --- co-admins --------------------------------------------------------------------------


@pytest.fixture
def firm_and_admin(db):
    admin = UserFactory(full_name="First Admin")
    return FirmFactory(name="Certi Audit GmbH", admins=[admin]), admin


def test_a_firm_admin_adds_a_co_admin_by_the_email_of_their_account(
    client, firm_and_admin, django_capture_on_commit_callbacks
):
    firm, admin = firm_and_admin
    colleague = UserFactory(email="colleague@certi.example")
    client.force_login(admin)
    url = reverse("accreditation:firm_admins", args=[firm.pk])

    unknown = client.post(url, {"email": "nobody@certi.example"})
    assert "No account uses the address" in unknown.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "COLLEAGUE@certi.example"})

    assert set(firm.admins.all()) == {admin, colleague}
    assert ModelLogEntry.objects.filter(action="accreditation.firm.admin_added").count() == 1
    assert any(m.to == [colleague.email] for m in mail.outbox)
    again = client.post(url, {"email": colleague.email})
    assert "already an administrator" in again.content.decode()


def test_a_co_admin_is_removed_after_confirming_but_never_the_last_admin(client, firm_and_admin):
    firm, admin = firm_and_admin
    colleague = UserFactory()
    firm.admins.add(colleague)
    client.force_login(admin)
    remove = reverse("accreditation:firm_admin_remove", args=[firm.pk, colleague.pk])

    assert client.get(remove).status_code == 200  # the confirmation page
    assert firm.admins.filter(pk=colleague.pk).exists()
    client.post(remove)
    assert list(firm.admins.all()) == [admin]
    assert ModelLogEntry.objects.filter(action="accreditation.firm.admin_removed").count() == 1

    last = reverse("accreditation:firm_admin_remove", args=[firm.pk, admin.pk])
    assert "only administrator" in client.get(last).content.decode()
    client.post(last)
    assert list(firm.admins.all()) == [admin]
    with pytest.raises(AccreditationError, match="at least one administrator"):
        services.firm_admin_remove(firm=firm, admin=admin, actor=admin)


def test_only_the_firms_own_admins_manage_its_admins(client, firm_and_admin):
    firm, admin = firm_and_admin
    other_admin = UserFactory()
    FirmFactory(admins=[other_admin])
    client.force_login(other_admin)
    assert client.get(reverse("accreditation:firm_admins", args=[firm.pk])).status_code == 404
    client.post(reverse("accreditation:firm_admins", args=[firm.pk]), {"email": other_admin.email})
    client.post(reverse("accreditation:firm_admin_remove", args=[firm.pk, admin.pk]))
    assert list(firm.admins.all()) == [admin]
    with pytest.raises(AccreditationError):
        services.firm_admin_add(firm=firm, email=other_admin.email, actor=other_admin)
    plain = Client()
    plain.force_login(UserFactory())
    assert plain.get(reverse("accreditation:firm_admins", args=[firm.pk])).status_code == 403
    anonymous = Client().get(reverse("accreditation:firm_admins", args=[firm.pk]))
    assert anonymous.status_code == 302


# --- erasure ----------------------------------------------------------------------------


def test_erasure_replaces_the_applicants_details_on_their_firm_applications(
    applicant, staff_user, django_capture_on_commit_callbacks
):
    from lms.privacy import erasure

    application = _submitted(applicant, contact_phone="+49 30 1234")
    request = erasure.erasure_request_create(user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erasure_request_approve(request=request, actor=staff_user)

    application.refresh_from_db()
    assert application.admin_name.startswith("Erased person")
    assert application.admin_email.endswith("@invalid")
    assert application.contact_phone == ""
    assert application.legal_name == "Certi Audit GmbH"  # the firm's record stays
