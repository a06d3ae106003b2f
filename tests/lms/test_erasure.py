"""Erasure: the person asks from their profile, staff see the plan and decide, and an
approval anonymises the account in one transaction while every page that touched it still
renders and no personal field of theirs remains anywhere in the database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.models import ModelLogEntry

from accreditation import services as accreditation_services
from accreditation.models import Application, Evidence, RegisterConsent
from courses.models import Certificate, CourseCompletion, Submission
from courses.payments import services as payment_services
from courses.payments.models import Invoice, Order
from courses.quiz.models import Attempt, AttemptStatus, QuestionType, Response
from lms import audit
from lms.models import User
from lms.privacy import erasure
from lms.privacy.erasure import ErasurePart, PlanLine
from lms.privacy.models import ErasureRequest, ErasureStatus
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    AuditorFactory,
    FirmFactory,
)
from tests.conftest import TEST_TOTP_SECRET, login_with_mfa
from tests.courses.factories import AssignmentFactory, CourseFactory, EnrollmentFactory
from tests.factories import UserFactory
from tests.payments.factories import CourseItemFactory
from tests.quiz.factories import QuizFactory

pytestmark = pytest.mark.django_db

NAME = "Erin Erasable"
EMAIL = "erin.erasable@example.org"
ADDRESS = "7 Private Lane, 0150 Oslo"
ESSAY = "At the Sunndal smelter I audited the casthouse"
SUBMISSION = "My approach to the chain of custody audit"


# --- fixtures -----------------------------------------------------------------------------


def _person_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def person(db):
    return UserFactory(full_name=NAME, email=EMAIL)


@pytest.fixture
def pending(person) -> ErasureRequest:
    return erasure.erasure_request_create(user=person, reason=f"I, {NAME}, left the profession")


def _attempt(user) -> Attempt:
    now = timezone.now()
    attempt = Attempt.objects.create(
        quiz=QuizFactory(is_exam=True, title="Final exam"),
        user=user,
        number=1,
        status=AttemptStatus.FINISHED,
        started_at=now - datetime.timedelta(hours=1),
        submitted_at=now,
        finalised_at=now,
        is_exam=True,
        pass_mark=Decimal("50"),
        max_marks=Decimal("2"),
        marks=Decimal("2"),
        percent=Decimal("100"),
        passed=True,
    )
    for position, (qtype, answer, feedback) in enumerate(
        [
            (QuestionType.ESSAY, {"text": ESSAY}, f"Well argued, {NAME}."),
            (QuestionType.SINGLE, {"choice": 1}, ""),
        ]
    ):
        Response.objects.create(
            attempt=attempt,
            position=position,
            snapshot={"qtype": qtype, "answers": []},
            max_mark=Decimal("1"),
            answer=answer,
            mark=Decimal("1"),
            marker_feedback=feedback,
        )
    return attempt


@pytest.fixture
def auditor_world(person, staff_user, media_folders, settings, django_capture_on_commit_callbacks):
    """An accredited, listed auditor with evidence, a decision, an exam attempt with an
    essay, an assignment submission with a file, a certificate of completion, an invoice
    order, a second factor and an open session."""
    settings.STRIPE_SECRET_KEY = ""
    profile = AuditorFactory(user=person, listed_consent=True, languages="Norwegian, English")
    firm = FirmFactory(name="Nordic Assurance")
    application = ApplicationFactory(auditor=profile, firm=firm, status=Application.Status.GRANTED)
    accreditation = AccreditationFactory(
        auditor=profile, firm=firm, application=application, scope=[("casthouse", "NO")]
    )
    accreditation_services.record_decision(
        action="accreditation.granted",
        user=staff_user,
        reason="All requirements met",
        accreditation=accreditation,
        application=application,
        notify=False,
    )
    evidence = Evidence(
        application=application, description=f"CV of {NAME}", original_filename="erin-cv.pdf"
    )
    evidence.file.save("erin-cv.pdf", ContentFile(b"%PDF-1.4 personal"), save=False)
    evidence.save()
    attempt = _attempt(person)
    enrollment = EnrollmentFactory(user=person, course=CourseFactory(title="CoC basics"))
    submission = Submission(
        assignment=AssignmentFactory(), user=person, enrollment=enrollment, text=SUBMISSION
    )
    submission.file.save("erin-answer.pdf", ContentFile(b"%PDF-1.4 answer"), save=False)
    submission.original_filename = "erin-answer.pdf"
    submission.save()
    completion = CourseCompletion.objects.create(
        user=person,
        course=enrollment.course,
        enrollment=enrollment,
        completed_on=timezone.localdate(),
    )
    certificate = Certificate.objects.create(
        completion=completion,
        holder_name=NAME,
        course_title="CoC basics",
        issued_on=timezone.localdate(),
    )
    item = CourseItemFactory(price=(20000, 0), name="Course: Audit basics")
    with django_capture_on_commit_callbacks(execute=True):
        order = payment_services.order_create(
            buyer=person,
            lines=[payment_services.LineRequest(item=item)],
            method="invoice",
            billing_name=NAME,
            billing_address=ADDRESS,
        )
    TOTP.activate(person, TEST_TOTP_SECRET)
    client = _person_client(person)
    mail.outbox.clear()
    return {
        "profile": profile,
        "firm": firm,
        "accreditation": accreditation,
        "evidence": evidence,
        "attempt": attempt,
        "submission": submission,
        "certificate": certificate,
        "order": Order.objects.get(pk=order.pk),
        "client": client,
        "files": [evidence.file.name, submission.file.name],
        "storage": evidence.file.storage,
    }


def _text_columns_holding(*needles: str) -> list[str]:
    """Every (table.column) whose text or JSON holds one of ``needles`` (case-insensitive),
    over every model with a table in the database."""
    tables = set(connection.introspection.table_names())
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in tables:
            continue
        for field in meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                continue
            for needle in needles:
                lookup = {f"{field.attname}__icontains": needle}
                if model._base_manager.filter(**lookup).exists():
                    found.append(f"{meta.db_table}.{field.column} ~ {needle!r}")
    return found


def _approve(request, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return erasure.erasure_request_approve(request=request, actor=staff_user)


# --- the person asks ----------------------------------------------------------------------


def test_the_profile_links_to_erasure_and_the_confirmation_page_writes_nothing(person):
    client = _person_client(person)

    profile = client.get(reverse("account_profile"))
    page = client.get(reverse("privacy:erasure_request"))

    assert reverse("privacy:erasure_request").encode() in profile.content
    assert page.status_code == 200
    assert b"This cannot be undone" in page.content
    assert not ErasureRequest.objects.exists()


def test_asking_needs_the_confirmation_ticked(person):
    client = _person_client(person)

    response = client.post(reverse("privacy:erasure_request"), {"reason": "bye"})

    assert response.status_code == 200
    assert not ErasureRequest.objects.exists()


def test_asking_records_a_pending_request_logs_it_and_mails_the_person(
    person, django_capture_on_commit_callbacks
):
    client = _person_client(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:erasure_request"), {"reason": "Leaving", "confirm": "on"}
        )

    assert response.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.user, request.status, request.reason) == (
        person,
        ErasureStatus.PENDING,
        "Leaving",
    )
    assert ModelLogEntry.objects.filter(
        action="privacy.erasure.requested", object_id=str(request.pk)
    ).exists()
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    profile = client.get(reverse("account_profile")).content.decode()
    assert "You asked for the erasure of your account" in profile
    assert reverse("privacy:erasure_withdraw", args=[request.pk]) in profile


def test_a_second_request_while_one_is_pending_is_refused(person, pending):
    with pytest.raises(erasure.ErasureError):
        erasure.erasure_request_create(user=person)
    client = _person_client(person)
    client.post(reverse("privacy:erasure_request"), {"confirm": "on"})
    assert ErasureRequest.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = client.get(reverse("privacy:erasure_request"))
    post = client.post(reverse("privacy:erasure_request"), {"confirm": "on"})

    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert post.status_code == 302
    assert not ErasureRequest.objects.exists()


def test_the_person_withdraws_their_request_but_not_someone_elses(person, pending):
    stranger = _person_client(UserFactory())
    url = reverse("privacy:erasure_withdraw", args=[pending.pk])

    assert stranger.post(url).status_code == 404
    assert _person_client(person).get(url).status_code == 405
    _person_client(person).post(url)

    pending.refresh_from_db()
    assert pending.status == ErasureStatus.WITHDRAWN


# --- staff see it -------------------------------------------------------------------------


def test_secretariat_sees_the_request_with_what_is_erased_and_kept(
    auditor_world, staff_client, person
):
    request = erasure.erasure_request_create(user=person)

    index = staff_client.get(reverse("privacy_erasure_admin:index"))
    detail = staff_client.get(reverse("privacy_erasure_admin:detail", args=[request.pk]))

    assert index.status_code == 200 and NAME.encode() in index.content
    html = detail.content.decode()
    assert detail.status_code == 200
    for line in (
        "1 evidence file",
        "Consent to be named on the public register (withdrawn at once)",
        "1 typed answer and its feedback",
        "1 submitted file",
        "1 decision in the decisions log",
        "1 accreditation with its scope and certificate code",
        "1 order",
        "Billing names and addresses of orders bought for oneself",
        "Name and e-mail address (replaced by the pseudonym)",
    ):
        assert line in html, line
    assert "at least 6 years after the accreditation ends" in html
    assert Evidence.objects.get().file  # the preview erased nothing


def test_staff_without_the_permission_and_other_people_are_refused(pending, client):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    TOTP.activate(editor, TEST_TOTP_SECRET)
    editor_client = login_with_mfa(Client(), editor)
    urls = [
        reverse("privacy_erasure_admin:index"),
        reverse("privacy_erasure_admin:detail", args=[pending.pk]),
    ]

    for url in urls:
        refused = editor_client.get(url)  # the admin's refusal: back to its home page
        assert refused.status_code in (302, 403) and NAME.encode() not in refused.content
        assert refused.status_code == 403 or refused["Location"] == "/admin/"
        assert _person_client(pending.user).get(url).status_code in (302, 403)
        assert client.get(url).status_code == 302
    editor_client.post(urls[1], {"action": "approve", "confirm": "on"})
    with pytest.raises(erasure.ErasureError):
        erasure.erasure_request_approve(request=pending, actor=editor)
    pending.refresh_from_db()
    assert pending.status == ErasureStatus.PENDING
    assert User.objects.get(pk=pending.user_id).email == EMAIL


def test_rejection_needs_a_reason_and_tells_the_person(
    pending, staff_client, staff_user, django_capture_on_commit_callbacks
):
    url = reverse("privacy_erasure_admin:detail", args=[pending.pk])

    empty = staff_client.post(url, {"action": "reject", "reason": "   "})
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url, {"action": "reject", "reason": "Open invoice dispute"})

    assert empty.status_code == 200
    assert done.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decision_reason, pending.decided_by) == (
        ErasureStatus.REJECTED,
        "Open invoice dispute",
        staff_user,
    )
    assert mail.outbox[-1].to == [EMAIL] and "Open invoice dispute" in mail.outbox[-1].body
    entry = ModelLogEntry.objects.get(action="privacy.erasure.rejected")
    assert entry.data["reason"] == "Open invoice dispute"
    with pytest.raises(erasure.ErasureError):
        erasure.erasure_request_reject(request=pending, actor=staff_user, reason="again")


def test_approval_needs_the_confirmation(pending, staff_client):
    url = reverse("privacy_erasure_admin:detail", args=[pending.pk])

    response = staff_client.post(url, {"action": "approve"})

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == ErasureStatus.PENDING
    assert User.objects.get(pk=pending.user_id).full_name == NAME


def test_staff_cannot_decide_their_own_request(staff_user):
    own = erasure.erasure_request_create(user=staff_user)

    with pytest.raises(erasure.ErasureError):
        erasure.erasure_request_approve(request=own, actor=staff_user)


# --- the erasure --------------------------------------------------------------------------


def test_approval_erases_the_auditor_and_no_personal_field_remains(
    auditor_world, person, staff_user, staff_client, django_capture_on_commit_callbacks
):
    request = erasure.erasure_request_create(user=person, reason=f"I am {NAME}")
    before = _text_columns_holding(NAME, EMAIL, ADDRESS, ESSAY, SUBMISSION, "Norwegian")
    assert len(before) >= 10  # the search does find them where they are
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("privacy_erasure_admin:detail", args=[request.pk]),
            {"action": "approve", "confirm": "on"},
        )

    assert response.status_code == 302
    request.refresh_from_db()
    person.refresh_from_db()
    pseudonym = erasure.pseudonym_for(person)
    assert request.status == ErasureStatus.DONE and request.pseudonym == pseudonym
    assert pseudonym.startswith("Erased person #") and len(pseudonym) == len("Erased person #") + 8
    assert (person.full_name, person.email) == (pseudonym, f"erased-{person.pk}@invalid")
    assert not person.has_usable_password() and not person.is_active
    assert not Session.objects.exists() or all(
        s.get_decoded().get("_auth_user_id") != str(person.pk) for s in Session.objects.all()
    )
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    for name in auditor_world["files"]:
        assert not auditor_world["storage"].exists(name)

    # Nothing of theirs is left anywhere: name, address, billing address, typed text.
    assert _text_columns_holding(NAME, EMAIL, ADDRESS, ESSAY, SUBMISSION, "Norwegian") == []

    # What is kept is kept: the accreditation, the decision, the attempt, the invoice.
    accreditation = auditor_world["accreditation"]
    accreditation.refresh_from_db()
    assert accreditation.auditor.user == person
    decision = ModelLogEntry.objects.get(action="accreditation.granted")
    assert decision.user == staff_user and pseudonym in decision.label
    assert decision.data["reason"] == "All requirements met"
    attempt = Attempt.objects.get(pk=auditor_world["attempt"].pk)
    assert attempt.passed and attempt.marks == Decimal("2")
    assert attempt.responses.get(position=0).answer == {"text": "", "erased": True}
    invoice = Invoice.objects.get(order=auditor_world["order"])
    assert invoice.number == auditor_world["order"].invoice.number
    assert pseudonym in invoice.buyer_details
    assert Certificate.objects.get().holder_name == pseudonym
    assert RegisterConsent.objects.filter(
        auditor=auditor_world["profile"], granted=False, source="erasure"
    ).exists()

    # The request and its outcome are logged; the person heard of it at their real address.
    done = ModelLogEntry.objects.get(action="privacy.erasure.done")
    codes = [part["code"] for part in done.data["outcome"]["parts"]]
    assert codes[-1] == "account" and {"accreditation", "quiz", "courses", "payments"} <= set(codes)
    assert ModelLogEntry.objects.filter(action="privacy.erasure.approved").exists()
    assert mail.outbox[-1].to == [EMAIL]
    assert "has been erased" in mail.outbox[-1].subject


def test_after_erasure_every_page_that_touched_the_person_still_renders(
    auditor_world,
    person,
    pending,
    staff_user,
    staff_client,
    client,
    django_capture_on_commit_callbacks,
):
    accreditation = auditor_world["accreditation"]
    profile_pk = auditor_world["profile"].pk
    assert NAME.encode() in client.get(reverse("accreditation:register")).content  # listed
    _approve(pending, staff_user, django_capture_on_commit_callbacks)
    pseudonym = erasure.pseudonym_for(person)

    register = client.get(reverse("accreditation:register"))
    csv_export = client.get(reverse("accreditation:register_csv"))
    api = client.get("/api/v1/auditors")
    detail = client.get(reverse("accreditation:register_auditor", args=[profile_pk]))
    firm_page = client.get(
        reverse("accreditation:register_firm", args=[auditor_world["firm"].slug])
    )
    verify = client.get(f"/verify/{accreditation.code}/")
    decisions = staff_client.get(reverse("accreditation_decision:index"))
    statistics = staff_client.get(
        reverse("quiz_admin:statistics_detail", args=[auditor_world["attempt"].quiz_id])
    )
    invoice_pdf = staff_client.get(
        f"/payments/orders/{auditor_world['order'].public_id}/invoice.pdf"
    )
    order_page = staff_client.get(
        reverse("payments_admin:order_manage", args=[auditor_world["order"].pk])
    )

    assert register.status_code == 200 and NAME.encode() not in register.content
    assert pseudonym.encode() not in register.content
    csv_text = (
        b"".join(csv_export.streaming_content) if csv_export.streaming else csv_export.content
    )
    assert csv_export.status_code == 200 and NAME.encode() not in csv_text
    assert api.status_code == 200 and api.json()["count"] == 0
    assert detail.status_code == 404
    assert firm_page.status_code == 200 and NAME.encode() not in firm_page.content
    assert verify.status_code == 200 and NAME.encode() not in verify.content
    assert decisions.status_code == 200 and pseudonym.encode() in decisions.content
    assert NAME.encode() not in decisions.content
    assert statistics.status_code == 200
    assert invoice_pdf.status_code == 200 and invoice_pdf.content.startswith(b"%PDF")
    assert order_page.status_code == 200 and NAME.encode() not in order_page.content
    # The erased account cannot sign in again.
    assert not Client().login(email=f"erased-{person.pk}@invalid", password="password123!")
    assert not Client().login(email=EMAIL, password="password123!")


def test_a_request_of_a_person_without_auditor_records_erases_only_the_account(
    person, pending, staff_user, django_capture_on_commit_callbacks
):
    _approve(pending, staff_user, django_capture_on_commit_callbacks)

    pending.refresh_from_db()
    assert [part["code"] for part in pending.outcome["parts"]] == ["account"]
    assert _text_columns_holding(NAME, EMAIL) == []


def test_a_failing_step_erases_nothing_and_leaves_the_request_pending(
    auditor_world, person, pending, staff_user
):
    def broken(user):
        def erase(user, pseudonym):
            raise RuntimeError("storage down")

        return ErasurePart(code="broken", title="Broken", erased=[PlanLine("x")], erase=erase)

    with hooks.register_temporarily(erasure.HOOK, broken), pytest.raises(RuntimeError):
        erasure.erasure_request_approve(request=pending, actor=staff_user)

    pending.refresh_from_db()
    person.refresh_from_db()
    assert pending.status == ErasureStatus.PENDING
    assert (person.full_name, person.email) == (NAME, EMAIL)
    assert Evidence.objects.get().description == f"CV of {NAME}"
    assert auditor_world["storage"].exists(auditor_world["files"][0])


def test_the_billing_details_are_kept_where_the_law_requires_it(
    auditor_world, person, pending, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_ERASURE_KEEP_BILLING_DETAILS = True

    _approve(pending, staff_user, django_capture_on_commit_callbacks)

    order = Order.objects.get(pk=auditor_world["order"].pk)
    assert (order.billing_name, order.billing_address) == (NAME, ADDRESS)
    assert EMAIL not in order.invoice.buyer_details
    assert ADDRESS in order.invoice.buyer_details


def test_the_audit_log_names_the_pseudonym_instead_of_the_person(
    person, pending, staff_user, django_capture_on_commit_callbacks
):
    other = UserFactory(full_name="Olga Other")
    mentioning = audit.record(
        "privacy.erasure.requested",
        instance=pending,
        title=f"About {NAME} <{EMAIL}>",
        data={"note": f"{NAME} wrote from {EMAIL}"},
    )
    untouched = audit.record(
        "privacy.erasure.requested", instance=pending, title=f"About {other.full_name}"
    )

    _approve(pending, staff_user, django_capture_on_commit_callbacks)

    mentioning.refresh_from_db()
    untouched.refresh_from_db()
    pseudonym = erasure.pseudonym_for(person)
    assert mentioning.label == f"About {pseudonym} <erased-{person.pk}@invalid>"
    assert mentioning.data["note"] == f"{pseudonym} wrote from erased-{person.pk}@invalid"
    assert untouched.label == "About Olga Other"


def test_the_list_puts_pending_requests_first_25_a_page_and_escapes_what_people_typed(
    staff_client, staff_user
):
    for n in range(27):
        erasure.erasure_request_create(user=UserFactory(full_name=f"Person {n:02d}"))
    hostile = erasure.erasure_request_create(
        user=UserFactory(full_name="Hostile Person"), reason="<script>alert(1)</script>"
    )
    decided = erasure.erasure_request_create(user=UserFactory(full_name="Decided Person"))
    erasure.erasure_request_reject(request=decided, actor=staff_user, reason="Not now")
    url = reverse("privacy_erasure_admin:index")

    first = staff_client.get(url)
    second = staff_client.get(url, {"p": 2})
    rejected_only = staff_client.get(url, {"status": "rejected"})
    detail = staff_client.get(reverse("privacy_erasure_admin:detail", args=[hostile.pk]))

    assert len(first.context["page_obj"].object_list) == 25
    assert b"Decided Person" not in first.content and b"Decided Person" in second.content
    assert [r.pk for r in rejected_only.context["page_obj"].object_list] == [decided.pk]
    assert b"<script>alert(1)</script>" not in detail.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in detail.content
