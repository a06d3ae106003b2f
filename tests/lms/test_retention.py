"""The retention schedule: each rule with its dates moved, --dry-run, the command's lines."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accreditation.models import Application, Evidence, ScopeStatus, ScopeStatusChange
from accreditation.privacy_rights import accreditation_ended_on
from courses.quiz.models import Attempt, AttemptStatus, QuestionType, Response
from courses.quiz.privacy_rights import ERASED
from lms.models import User
from lms.privacy.models import RetentionRun
from lms.privacy.retention import apply_retention, rules, years_before
from tests.accreditation.factories import AccreditationFactory, ApplicationFactory
from tests.factories import SecretariatFactory, UserFactory
from tests.quiz.factories import QuizFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate()


def _ago(**kwargs) -> datetime.datetime:
    return NOW - datetime.timedelta(**kwargs)


def _signed_up(email: str, *, days_ago: int, verified=False, last_login=None, **extra) -> User:
    """An account as allauth's sign-up leaves it: a password, an address (not verified)."""
    user = UserFactory(email=email, verified=False, last_login=last_login, **extra)
    User.objects.filter(pk=user.pk).update(date_joined=_ago(days=days_ago))
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue().splitlines()


# --- the schedule -------------------------------------------------------------------------


def test_every_rule_of_the_schedule_is_registered_once_lms_first():
    assert [rule.code for rule in rules()] == [
        "unverified-accounts",
        "expired-sessions",
        "expired-downloads",
        "attempt-free-text",
        "evidence-files",
    ]


def test_years_before_keeps_the_calendar_day():
    assert years_before(datetime.date(2026, 12, 6), 6) == datetime.date(2020, 12, 6)
    assert years_before(datetime.date(2024, 2, 29), 1) == datetime.date(2023, 2, 28)


# --- unverified accounts ------------------------------------------------------------------


def test_unverified_accounts_that_never_signed_in_go_after_30_days():
    old = _signed_up("old@example.org", days_ago=31)
    old_pk = old.pk
    _signed_up("recent@example.org", days_ago=29)
    _signed_up("verified@example.org", days_ago=400, verified=True)
    _signed_up("signed-in@example.org", days_ago=400, last_login=_ago(days=300))
    staff = SecretariatFactory(email="staff-new@example.org", verified=False, is_staff=True)
    User.objects.filter(pk=staff.pk).update(date_joined=_ago(days=400))
    EmailAddress.objects.create(user=staff, email=staff.email, verified=False)
    imported = User.objects.create_user(email="imported@example.org", password=None)
    User.objects.filter(pk=imported.pk).update(date_joined=_ago(days=400))

    lines = _run()

    assert not User.objects.filter(pk=old_pk).exists()
    assert set(User.objects.values_list("email", flat=True)) >= {
        "recent@example.org",
        "verified@example.org",
        "signed-in@example.org",
        "staff-new@example.org",
        "imported@example.org",
    }
    assert lines[0].startswith("unverified-accounts: 1 accounts removed (before ")
    entry = ModelLogEntry.objects.get(action="privacy.account.deleted")
    assert entry.object_id == str(old_pk)
    assert "old@example.org" not in entry.label  # the log keeps no address of a deleted account


def test_the_period_for_unverified_accounts_is_a_setting(settings):
    settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS = 7
    _signed_up("eight-days@example.org", days_ago=8)
    _signed_up("six-days@example.org", days_ago=6)
    _run()
    assert list(User.objects.values_list("email", flat=True)) == ["six-days@example.org"]


# --- sessions -----------------------------------------------------------------------------


def test_expired_sessions_are_deleted_and_live_ones_kept():
    live = SessionStore()
    live["x"] = 1
    live.create()
    expired = SessionStore()
    expired["x"] = 2
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=_ago(minutes=1))

    lines = _run()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "expired-sessions: 1 sessions removed" in lines[1]


# --- evidence files -----------------------------------------------------------------------


def _evidence(application, name="cv.pdf") -> Evidence:
    evidence = Evidence(application=application, description="CV", original_filename=name)
    evidence.file.save(name, ContentFile(b"%PDF-1.4 personal"), save=False)
    evidence.save()
    return evidence


def _accredited_evidence(*, ended: datetime.date, withdrawn_on: datetime.date | None = None):
    application = ApplicationFactory(status=Application.Status.GRANTED)
    accreditation = AccreditationFactory(
        application=application,
        auditor=application.auditor,
        firm=application.firm,
        standard_version=application.standard_version,
        valid_from=years_before(ended, 3)
        if withdrawn_on is None
        else years_before(withdrawn_on, 2),
        valid_until=ended,
        affiliate=False,
    )
    if withdrawn_on is not None:
        for element in accreditation.scope.all():
            ScopeStatusChange.objects.create(
                element=element, status=ScopeStatus.WITHDRAWN, effective_from=withdrawn_on
            )
    return _evidence(application)


def test_evidence_files_go_six_years_after_the_accreditation_ends(
    media_folders, django_capture_on_commit_callbacks
):
    long_ended = _accredited_evidence(ended=years_before(TODAY, 6) - datetime.timedelta(days=1))
    recently_ended = _accredited_evidence(ended=years_before(TODAY, 5))
    withdrawn_long_ago = _accredited_evidence(
        ended=TODAY + datetime.timedelta(days=365), withdrawn_on=years_before(TODAY, 7)
    )
    rejected = ApplicationFactory(status=Application.Status.REJECTED, decided_at=_ago(days=7 * 366))
    rejected_evidence = _evidence(rejected)
    pending = _evidence(ApplicationFactory())  # no decision: kept
    storage = long_ended.file.storage
    gone = {e.pk: e.file.name for e in (long_ended, withdrawn_long_ago, rejected_evidence)}

    with django_capture_on_commit_callbacks(execute=True):
        lines = _run()

    assert "evidence-files: 3 evidence files removed" in "\n".join(lines)
    for pk, name in gone.items():
        evidence = Evidence.objects.get(pk=pk)  # the row stays
        assert not evidence.file and evidence.original_filename == "cv.pdf"
        assert not storage.exists(name)
    for kept in (recently_ended, pending):
        kept.refresh_from_db()
        assert kept.file and storage.exists(kept.file.name)
    entries = ModelLogEntry.objects.filter(action="accreditation.evidence.file_deleted")
    assert sorted(int(e.object_id) for e in entries) == sorted(gone)

    # The auditor's download link now answers "not found", not an error.
    client = Client()
    client.force_login(long_ended.application.auditor.user)
    response = client.get(reverse("accreditation:evidence_file", args=[long_ended.pk]))
    assert response.status_code == 404


def test_an_accreditation_ends_at_its_last_element_or_its_withdrawal():
    accreditation = AccreditationFactory(
        scope=[("casthouse", "DE"), ("casthouse", "FR")],
        valid_from=datetime.date(2018, 1, 1),
        valid_until=datetime.date(2021, 6, 30),
    )
    assert accreditation_ended_on(accreditation) == datetime.date(2021, 6, 30)
    first = accreditation.scope.order_by("country").first()
    ScopeStatusChange.objects.create(
        element=first, status=ScopeStatus.SUSPENDED, effective_from=datetime.date(2019, 1, 1)
    )
    for element in accreditation.scope.all():
        ScopeStatusChange.objects.create(
            element=element, status=ScopeStatus.WITHDRAWN, effective_from=datetime.date(2020, 3, 1)
        )
    accreditation.refresh_from_db()
    assert accreditation_ended_on(accreditation) == datetime.date(2020, 3, 1)


def test_the_evidence_period_is_a_setting(settings, media_folders):
    settings.PRIVACY_EVIDENCE_YEARS = 2
    evidence = _accredited_evidence(ended=years_before(TODAY, 3))
    _run()
    evidence.refresh_from_db()
    assert not evidence.file


# --- typed answers of attempts ------------------------------------------------------------


def _attempt(*, submitted: datetime.datetime, is_exam=True) -> Attempt:
    quiz = QuizFactory(is_exam=is_exam)
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=UserFactory(),
        number=1,
        status=AttemptStatus.FINISHED,
        started_at=submitted - datetime.timedelta(hours=1),
        submitted_at=submitted,
        finalised_at=submitted,
        is_exam=is_exam,
        pass_mark=Decimal("50"),
        max_marks=Decimal("3"),
        marks=Decimal("2"),
        percent=Decimal("66.67"),
        passed=True,
    )
    for position, (qtype, answer, feedback) in enumerate(
        [
            (QuestionType.ESSAY, {"text": "At our smelter in Norway we ..."}, "Good example."),
            (QuestionType.SHORT_ANSWER, {"text": "Bauxite"}, ""),
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


def test_typed_answers_and_feedback_of_old_attempts_are_erased_marks_kept():
    old = _attempt(
        submitted=timezone.make_aware(
            datetime.datetime.combine(years_before(TODAY, 7), datetime.time(12))
        )
    )
    recent = _attempt(submitted=_ago(days=5 * 365))

    lines = _run()

    assert "attempt-free-text: 1 attempts' typed answers removed" in "\n".join(lines)
    essay, short, choice = old.responses.order_by("position")
    assert essay.answer == ERASED and essay.marker_feedback == ""
    assert short.answer == ERASED
    assert choice.answer == {"choice": 1}  # not free text
    assert essay.mark == Decimal("1")
    old.refresh_from_db()
    assert (old.marks, old.passed) == (Decimal("2"), True)
    kept = recent.responses.order_by("position").first()
    assert kept.answer == {"text": "At our smelter in Norway we ..."}
    assert kept.marker_feedback == "Good example."
    entry = ModelLogEntry.objects.get(action="quiz.attempt.text_erased")
    assert entry.object_id == str(old.pk) and entry.data["responses"] == 2

    # Applying again finds nothing more to do.
    assert "attempt-free-text: 0 attempts' typed answers removed" in "\n".join(_run())


def test_the_attempt_text_period_is_a_setting(settings):
    settings.PRIVACY_ATTEMPT_TEXT_YEARS = 1
    attempt = _attempt(submitted=_ago(days=400))
    _run()
    assert attempt.responses.order_by("position").first().answer == ERASED


# --- dry run and the command --------------------------------------------------------------


def test_a_dry_run_changes_nothing_and_says_what_would_go(
    media_folders, django_capture_on_commit_callbacks
):
    _signed_up("old@example.org", days_ago=31)
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=_ago(minutes=1))
    evidence = _accredited_evidence(ended=years_before(TODAY, 7))
    attempt = _attempt(submitted=_ago(days=7 * 366))
    logged = ModelLogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        lines = _run("--dry-run")

    assert len(lines) == len(rules()) + 1  # one line per rule, then the dry-run note
    text = "\n".join(lines)
    assert "unverified-accounts: 1 accounts would be removed" in text
    assert "expired-sessions: 1 sessions would be removed" in text
    assert "evidence-files: 1 evidence files would be removed" in text
    assert "attempt-free-text: 1 attempts' typed answers would be removed" in text
    assert lines[-1] == "Dry run: nothing was changed."
    assert User.objects.filter(email="old@example.org").exists()
    assert Session.objects.filter(session_key=expired.session_key).exists()
    evidence.refresh_from_db()
    assert evidence.file and evidence.file.storage.exists(evidence.file.name)
    assert attempt.responses.order_by("position").first().answer["text"].startswith("At our")
    assert ModelLogEntry.objects.count() == logged
    assert not RetentionRun.objects.exists()


def test_a_real_run_prints_one_line_per_rule_and_logs_each_rule():
    lines = _run()
    codes = [rule.code for rule in rules()]
    assert [line.split(":")[0] for line in lines] == codes
    assert all(" removed" in line for line in lines)
    run = RetentionRun.objects.get()
    assert [entry["rule"] for entry in run.results] == codes
    entries = ModelLogEntry.objects.filter(action="privacy.retention.applied")
    assert sorted(e.data["rule"] for e in entries) == sorted(codes)


def test_apply_retention_returns_what_each_rule_did():
    _signed_up("old@example.org", days_ago=31)
    results = apply_retention(dry_run=True)
    by_code = {r.rule.code: r.outcome for r in results}
    assert by_code["unverified-accounts"].count == 1
    assert by_code["expired-sessions"].count == 0
