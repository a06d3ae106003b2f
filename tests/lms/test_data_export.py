"""Download my data: asked from the profile, built in the background into a ZIP with one
JSON file per kind of record from every app, e-mailed as a link valid 7 days that only the
person can use, one request at a time, expired by the retention schedule."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time
from wagtail import hooks
from wagtail.models import ModelLogEntry

from accreditation import services as accreditation_services
from accreditation.models import AuditorProfile, Evidence
from courses.models import Certificate, CourseCompletion, LessonCompletion, Submission
from courses.payments.models import Invoice, Order, OrderLine, OrderStatus, PaymentMethod
from courses.quiz import services as quiz_services
from lms.privacy import export as export_service
from lms.privacy.models import DataExport, ExportStatus
from lms.privacy.retention import apply_retention
from tests.accreditation.factories import AccreditationFactory, ApplicationFactory
from tests.courses.factories import AssignmentFactory, EnrollmentFactory, LessonFactory
from tests.factories import MemberFactory, SecretariatFactory
from tests.payments.factories import CourseItemFactory
from tests.quiz.factories import essay, quiz_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_folders")]

SECTIONS = {
    "account",
    "organisation",
    "consents",
    "data_exports",
    "erasure_requests",
    "log_entries",
    "enrolments",
    "progress",
    "certificates",
    "assignment_submissions",
    "quiz_attempts",
    "orders",
    "invoices",
    "bought_for_you",
    "exam_sittings_assigned",
    "auditor_profile",
    "affiliations",
    "applications",
    "evidence",
    "decisions",
    "accreditations",
}


def _everything(*, email: str, name: str, secret: str):
    """A person with records in every app; ``secret`` is written into each of them."""
    user = MemberFactory(email=email, full_name=name)
    staff = SecretariatFactory(full_name=f"Staff of {name}")
    # courses: an enrolment, a lesson and a course done, a certificate, a submission
    lesson = LessonFactory(title=f"Lesson {secret}")
    course = lesson.module.course
    enrolment = EnrollmentFactory(user=user, course=course)
    LessonCompletion.objects.create(
        enrollment=enrolment, lesson=lesson, completed_at=timezone.now()
    )
    completion = CourseCompletion.objects.create(
        user=user, course=course, enrollment=enrolment, completed_on=timezone.localdate()
    )
    Certificate.objects.create(
        completion=completion,
        holder_name=name,
        course_title=course.title,
        issued_on=timezone.localdate(),
    )
    submission = Submission(
        assignment=AssignmentFactory(), user=user, enrollment=enrolment, text=f"Plan {secret}"
    )
    submission.file.save("plan.pdf", ContentFile(f"%PDF plan {secret}".encode()), save=False)
    submission.original_filename = "plan.pdf"
    submission.save()
    # quiz: an essay attempt, marked by staff
    quiz = quiz_with(essay(), pass_mark=Decimal("50"))
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    quiz_services.attempt_save_answer(
        attempt=attempt, position=0, answer={"text": f"Essay {secret}"}, version=0
    )
    quiz_services.attempt_submit(attempt=attempt)
    quiz_services.essay_mark(
        response=attempt.responses.get(),
        marker=staff,
        fraction=Decimal("1"),
        feedback=f"Feedback {secret}",
    )
    # payments: an order with an invoice
    item = CourseItemFactory()
    order = Order.objects.create(
        buyer=user,
        currency="EUR",
        total=12300,
        status=OrderStatus.PENDING,
        method=PaymentMethod.INVOICE,
        billing_name=name,
        billing_address=f"{secret} Street 1",
    )
    OrderLine.objects.create(
        order=order,
        item=item,
        kind=item.kind,
        description=f"Course {secret}",
        target_type="courses.course",
        target_id=str(item.course_id),
        beneficiary=user,
        unit_amount=12300,
        amount=12300,
    )
    Invoice.objects.create(
        order=order,
        number=f"INV-{secret}",
        year=2026,
        sequence=Invoice.objects.count() + 1,
        issued_on=timezone.localdate(),
        due_on=timezone.localdate(),
        seller_details="ASI",
        buyer_details=f"{name}\n{email}",
    )
    # accreditation: an application with evidence, a decision, an accreditation
    profile = AuditorProfile.objects.create(user=user, languages=f"Lang {secret}")
    application = ApplicationFactory(auditor=profile)
    evidence = accreditation_services.evidence_upload(
        application=application,
        file=ContentFile(f"%PDF CV {secret}".encode(), name=f"CV {secret}.pdf"),
        description=f"CV {secret}",
    )
    accreditation_services.evidence_review(
        evidence=evidence, actor=staff, accept=True, reason=f"Reason {secret}"
    )
    accreditation = AccreditationFactory(auditor=profile, firm=application.firm)
    return {
        "user": user,
        "staff": staff,
        "order": order,
        "evidence": Evidence.objects.get(pk=evidence.pk),
        "accreditation": accreditation,
        "attempt": attempt,
    }


@pytest.fixture
def ada():
    return _everything(email="ada@example.org", name="Ada Lovelace", secret="ADA-SECRET")


@pytest.fixture
def bob():
    return _everything(email="bob@example.org", name="Bob Other", secret="BOB-SECRET")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ask(client, capture) -> DataExport:
    with capture(execute=True):
        response = client.post(reverse("privacy:export"))
    assert response.status_code == 302
    return DataExport.objects.order_by("-pk").first()


def _zip(export: DataExport) -> zipfile.ZipFile:
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _section(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(f"{name}.json"))


def _all_text(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


# --- asking and building ------------------------------------------------------------------


def test_the_profile_offers_the_download_of_ones_data(ada):
    page = _client(ada["user"]).get(reverse("account_profile")).content.decode()
    assert reverse("privacy:export") in page


def test_asking_builds_a_zip_with_a_json_file_per_kind_of_record(
    ada, bob, django_capture_on_commit_callbacks
):
    export = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.READY and export.progress == 100
    assert export.expires_at == export.ready_at + datetime.timedelta(days=7)
    assert export.file.name.startswith("privacy/exports/") and export.size > 0
    archive = _zip(export)
    names = set(archive.namelist())
    assert {f"{section}.json" for section in SECTIONS} <= names
    assert "README.txt" in names

    account = _section(archive, "account")
    assert account["email"] == "ada@example.org" and account["full_name"] == "Ada Lovelace"
    assert _section(archive, "organisation")["member_organisation"]["your_role"]
    assert [e["status"] for e in _section(archive, "enrolments")] == ["Active"]
    progress = _section(archive, "progress")
    assert progress["lessons_completed"][0]["lesson"] == "Lesson ADA-SECRET"
    assert len(progress["courses_completed"]) == 1
    assert _section(archive, "certificates")[0]["holder"] == "Ada Lovelace"
    submission = _section(archive, "assignment_submissions")[0]
    assert submission["answer"] == "Plan ADA-SECRET" and submission["marked_by"] is None
    assert archive.read(submission["file"]) == b"%PDF plan ADA-SECRET"
    attempt = _section(archive, "quiz_attempts")[0]
    assert attempt["answers"][0]["your_answer"] == "Essay ADA-SECRET"
    assert attempt["answers"][0]["marker_feedback"] == "Feedback ADA-SECRET"
    assert attempt["answers"][0]["marked_by"] == "staff"
    assert {event["action"] for event in attempt["events"]} >= {"quiz.attempt.started"}
    order = _section(archive, "orders")[0]
    assert order["number"] == ada["order"].number and order["total_cents"] == 12300
    assert order["lines"][0]["for"] == "you"
    assert _section(archive, "invoices")[0]["number"] == "INV-ADA-SECRET"
    assert _section(archive, "auditor_profile")["languages"] == "Lang ADA-SECRET"
    evidence = _section(archive, "evidence")[0]
    assert evidence["description"] == "CV ADA-SECRET" and evidence["status"] == "Accepted"
    assert evidence["file"].startswith("files/evidence/")
    assert archive.read(evidence["file"]) == b"%PDF CV ADA-SECRET"
    decision = _section(archive, "decisions")[0]
    assert decision["decision"] == "Evidence accepted" and decision["by"] == "staff"
    assert decision["reason"] == "Reason ADA-SECRET"
    accreditation = _section(archive, "accreditations")[0]
    assert accreditation["certificate_code"] == ada["accreditation"].code
    assert accreditation["scope"][0]["statuses"][0]["status"] == "Active"
    assert _section(archive, "applications")[0]["status_history"] is not None
    actions = {entry["action"] for entry in _section(archive, "log_entries")}
    assert "privacy.export.requested" in actions


def test_other_peoples_data_is_never_in_the_zip(ada, bob, django_capture_on_commit_callbacks):
    archive = _zip(_ask(_client(ada["user"]), django_capture_on_commit_callbacks))
    text = _all_text(archive)
    assert "ADA-SECRET" in text
    for foreign in ("BOB-SECRET", "bob@example.org", "Bob Other", bob["order"].number):
        assert foreign not in text
    # nor the names of the staff who marked and reviewed
    assert ada["staff"].full_name not in text and ada["staff"].email not in text


def test_the_email_with_the_link_is_in_the_persons_language(
    ada, django_capture_on_commit_callbacks
):
    ada["user"].preferred_language = "fr"
    ada["user"].save(update_fields=["preferred_language"])
    export = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)
    with translation.override("fr"):
        link = reverse("privacy:export_download", args=[export.token])
    [message] = [m for m in mail.outbox if "ada@example.org" in m.to]
    assert link in message.body


def test_progress_is_shown_while_the_data_is_prepared(ada, bob):
    export = DataExport.objects.create(user=ada["user"], status=ExportStatus.BUILDING, progress=40)
    client = _client(ada["user"])
    page = client.get(reverse("privacy:export")).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="40"' in page
    status = client.get(reverse("privacy:export_status", args=[export.pk])).json()
    assert status == {"status": "building", "progress": 40, "download_url": None}
    # somebody else's export is not there for them
    other = _client(bob["user"]).get(reverse("privacy:export_status", args=[export.pk]))
    assert other.status_code == 404


def test_a_failing_section_marks_the_export_failed_and_keeps_no_file(
    ada, django_capture_on_commit_callbacks
):
    def broken(user):
        raise RuntimeError("boom")

    with hooks.register_temporarily("privacy_export", broken):
        export = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.FAILED and not export.file
    page = _client(ada["user"]).get(reverse("privacy:export")).content.decode()
    assert "Something went wrong" in page
    assert ModelLogEntry.objects.filter(action="privacy.export.failed").exists()


# --- one at a time --------------------------------------------------------------------------


def test_one_export_at_a_time_with_a_clear_message(ada):
    client = _client(ada["user"])
    client.post(reverse("privacy:export"))  # not built: the task runs after commit
    again = client.post(reverse("privacy:export"), follow=True)
    assert DataExport.objects.filter(user=ada["user"]).count() == 1
    assert "already being prepared" in again.content.decode()
    with pytest.raises(export_service.ExportError):
        export_service.export_request(user=ada["user"])


def test_a_new_request_replaces_the_ready_copy(ada, django_capture_on_commit_callbacks):
    client = _client(ada["user"])
    first = _ask(client, django_capture_on_commit_callbacks)
    name = first.file.name
    second = _ask(client, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.status == ExportStatus.EXPIRED and not first.file
    assert not first.file.storage.exists(name)
    assert second.status == ExportStatus.READY


def test_a_lost_export_does_not_block_the_person_for_ever(ada):
    lost = DataExport.objects.create(
        user=ada["user"],
        status=ExportStatus.BUILDING,
        requested_at=timezone.now() - datetime.timedelta(hours=7),
    )
    export_service.export_request(user=ada["user"])
    lost.refresh_from_db()
    assert lost.status == ExportStatus.FAILED


# --- the link -------------------------------------------------------------------------------


def test_the_link_is_served_only_to_the_person_who_asked(
    ada, bob, django_capture_on_commit_callbacks
):
    export = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)
    url = reverse("privacy:export_download", args=[export.token])

    signed_out = Client().get(url)
    assert signed_out.status_code == 302 and "login" in signed_out["Location"]
    assert _client(bob["user"]).get(url).status_code == 404
    staff = _client(ada["staff"])
    assert staff.get(url).status_code in (302, 404)  # staff: second factor first, then 404
    assert not ModelLogEntry.objects.filter(action="privacy.export.downloaded").exists()

    response = _client(ada["user"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("account.json")
    entry = ModelLogEntry.objects.get(action="privacy.export.downloaded")
    assert entry.user == ada["user"] and entry.object_id == str(export.pk)
    assert ModelLogEntry.objects.filter(action="privacy.export.requested").count() == 1


def test_a_made_up_token_is_a_404(ada):
    response = _client(ada["user"]).get(reverse("privacy:export_download", args=["nope"]))
    assert response.status_code == 404


def test_the_link_stops_working_after_7_days(ada, django_capture_on_commit_callbacks):
    export = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)
    url = reverse("privacy:export_download", args=[export.token])
    with freeze_time(export.ready_at + datetime.timedelta(days=6, hours=23)):
        assert _client(ada["user"]).get(url).status_code == 200
    with freeze_time(export.ready_at + datetime.timedelta(days=7, seconds=1)):
        client = _client(ada["user"])
        expired = client.get(url)
        assert expired.status_code == 410
        assert "expired" in expired.content.decode()
        page = client.get(reverse("privacy:export")).content.decode()
        assert "Expired" in page and url not in page


# --- retention ------------------------------------------------------------------------------


def test_the_retention_rule_deletes_expired_files_and_marks_the_exports_expired(
    ada, bob, django_capture_on_commit_callbacks
):
    old = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)
    fresh = _ask(_client(bob["user"]), django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    name = old.file.name

    dry = apply_retention(dry_run=True)
    [outcome] = [r.outcome for r in dry if r.rule.code == "expired-downloads"]
    assert outcome.count == 1
    assert DataExport.objects.get(pk=old.pk).status == ExportStatus.READY

    with django_capture_on_commit_callbacks(execute=True):
        results = apply_retention()
    [outcome] = [r.outcome for r in results if r.rule.code == "expired-downloads"]
    assert outcome.count == 1 and outcome.ids == [old.pk]
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not old.file
    assert not fresh.file.storage.exists(name)
    assert fresh.status == ExportStatus.READY and fresh.file.storage.exists(fresh.file.name)
    assert ModelLogEntry.objects.filter(
        action="privacy.export.expired", object_id=str(old.pk)
    ).exists()


def test_the_export_page_needs_a_signed_in_person():
    response = Client().get(reverse("privacy:export"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert Client().post(reverse("privacy:export")).status_code == 302
    assert not DataExport.objects.exists()


# --- erasure --------------------------------------------------------------------------------


def test_erasing_the_account_deletes_the_copies_of_its_data(
    ada, django_capture_on_commit_callbacks
):
    export = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)
    name, storage = export.file.name, export.file.storage
    part = export_service.erasure_part(ada["user"])
    assert part is not None and "1 copy" in part.erased[0].what
    with django_capture_on_commit_callbacks(execute=True):
        outcome = part.erase(ada["user"], "Erased person #x")
    assert outcome == {"data_exports_deleted": 1, "data_export_files": 1}
    assert not DataExport.objects.filter(user=ada["user"]).exists()
    assert not storage.exists(name)
    assert export_service.erasure_part(ada["user"]) is None


def test_how_long_the_link_works_is_a_setting(ada, settings, django_capture_on_commit_callbacks):
    settings.PRIVACY_EXPORT_VALID_DAYS = 2
    export = _ask(_client(ada["user"]), django_capture_on_commit_callbacks)
    assert export.expires_at == export.ready_at + datetime.timedelta(days=2)


@pytest.mark.parametrize("section", ["account", "../escape", "files/x"])
def test_a_section_taken_twice_or_not_a_plain_name_is_refused(section):
    user = MemberFactory()

    def clashing(person):
        return {section: {"x": 1}}

    with hooks.register_temporarily("privacy_export", clashing), pytest.raises(ValueError):
        export_service.collect_sections(user)
