"""The quiz engine writes its events into the one audit log (``lms.audit``, ``quiz.*``
actions), read back through ``selectors.log_entries``; staff see them in Reports › Site
history; the old ``QuizLogEntry`` rows move there by migration, and back on reversal."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.quiz import selectors, services
from courses.quiz.models import Attempt, QuestionBank
from lms.audit import entries_for
from tests.factories import UserFactory
from tests.quiz.factories import essay, exam_of_one_question, quiz_with, single_choice

NOW = timezone.now()


@pytest.mark.django_db
def test_an_attempt_started_and_submitted_writes_its_entries_about_the_attempt(user):
    quiz = quiz_with(single_choice(), time_limit_minutes=10)
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)
    services.attempt_submit(attempt=attempt, now=NOW)

    started, finished, submitted = entries_for(attempt).order_by("timestamp", "pk")
    assert started.action == "quiz.attempt.started" and started.user == user
    assert started.data["quiz"] == quiz.pk and started.data["attempt"] == attempt.pk
    assert started.data["deadline"] == attempt.deadline.isoformat()
    assert finished.action == "quiz.attempt.finished"
    assert (finished.data["from"], finished.data["to"]) == ("in_progress", "finished")
    assert submitted.action == "quiz.attempt.submitted" and submitted.user == user
    assert started.label == str(attempt)
    assert list(selectors.log_entries(quiz=quiz)) == [submitted, finished, started]


@pytest.mark.django_db
def test_an_attempt_with_an_essay_waits_for_marking_and_time_running_out_is_the_systems(user):
    quiz = quiz_with(essay(), time_limit_minutes=5)
    an_hour_ago = NOW - datetime.timedelta(hours=1)
    attempt = services.attempt_start(user=user, quiz=quiz, now=an_hour_ago)
    services.attempt_save_answer(
        attempt=attempt, position=0, answer={"text": "My essay"}, version=0, now=an_hour_ago
    )
    services.attempts_close_overdue(now=NOW)

    waiting = selectors.log_entries(attempt=attempt, action="quiz.attempt.needs_marking").get()
    auto = selectors.log_entries(attempt=attempt, action="quiz.attempt.auto_submitted").get()
    assert waiting.user is None and auto.user is None


@pytest.mark.django_db
def test_sittings_granted_by_staff_and_revoked_are_entries_about_the_exam(user, staff_user):
    exam = exam_of_one_question(sitting_fee_required=True)
    sitting = services.sitting_grant(user=user, quiz=exam, source="manual", assigned_by=staff_user)
    services.sitting_revoke(sitting=sitting, reason="refund", actor=staff_user)

    granted, revoked = entries_for(exam).order_by("timestamp", "pk")
    assert granted.action == "quiz.sitting.granted" and granted.user == staff_user
    assert granted.data == {
        "quiz": exam.pk,
        "attempt": None,
        "sitting": sitting.pk,
        "learner": user.pk,
        "source": "manual",
    }
    assert revoked.action == "quiz.sitting.revoked" and revoked.data["reason"] == "refund"


@pytest.mark.django_db
def test_staff_see_quiz_entries_in_the_site_history_filtered_by_action(staff_client, user):
    services.attempt_start(user=user, quiz=quiz_with(single_choice()))

    history = staff_client.get(
        reverse("wagtailadmin_reports:site_history"), {"action": "quiz.attempt.started"}
    )

    assert history.status_code == 200
    assert "Attempt started" in history.content.decode()


@pytest.mark.django_db
def test_a_learner_without_permissions_sees_no_quiz_entries(user):
    services.attempt_start(user=user, quiz=quiz_with(single_choice()))
    assert ModelLogEntry.objects.filter(action="quiz.attempt.started").exists()
    assert not ModelLogEntry.objects.viewable_by_user(user).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_old_quiz_log_into_the_audit_log_and_back():
    from django.db.migrations.executor import MigrationExecutor

    before = [("quiz", "0004_opaque_answer_tokens")]
    after = [("quiz", "0006_remove_quizlogentry")]

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    at = datetime.datetime(2025, 5, 6, 7, 8, tzinfo=datetime.UTC)
    try:
        old = migrate(before)
        learner, staff = UserFactory(full_name="Ana Lima"), UserFactory()
        # the models as they were then: later migrations add columns (Attempt.origin)
        quiz = old.get_model("quiz", "Quiz").objects.create(
            slug="ethics", title="Ethics", pass_mark=Decimal("50")
        )
        attempt = old.get_model("quiz", "Attempt").objects.create(
            quiz=quiz, user_id=learner.pk, number=1, started_at=at, pass_mark=Decimal("50")
        )
        bank = QuestionBank.objects.create(name="Imported bank")
        log = old.get_model("quiz", "QuizLogEntry").objects
        rows = [
            log.create(action="attempt.started", actor_id=learner.pk, quiz_id=quiz.pk,
                       attempt_id=attempt.pk, payload={"deadline": None, "sitting": None}),
            log.create(action="sitting.revoked", actor_id=staff.pk, quiz_id=quiz.pk,
                       reason="refund", payload={"sitting": 9, "user": learner.pk}),
            log.create(action="bank.imported", payload={"bank": bank.pk, "count": 2}),
        ]  # fmt: skip
        log.update(at=at)
        for row in rows:
            row.refresh_from_db()

        migrate(after)
        started = ModelLogEntry.objects.get(action="quiz.attempt.started")
        assert started.content_type == ContentType.objects.get_for_model(Attempt)
        assert started.object_id == str(attempt.pk) and started.label == "Ethics #1 (Ana Lima)"
        assert started.timestamp == at and started.user_id == learner.pk
        assert started.data == {
            "quiz": quiz.pk,
            "attempt": attempt.pk,
            "deadline": None,
            "sitting": None,
        }
        revoked = ModelLogEntry.objects.get(action="quiz.sitting.revoked")
        assert (revoked.content_type.model, revoked.object_id) == ("quiz", str(quiz.pk))
        assert revoked.data == {
            "quiz": quiz.pk,
            "attempt": None,
            "sitting": 9,
            "learner": learner.pk,
            "reason": "refund",
        }
        imported = ModelLogEntry.objects.get(action="quiz.bank.imported")
        assert (imported.content_type.model, imported.label) == ("questionbank", "Imported bank")
        assert list(selectors.log_entries(quiz=quiz)) == [revoked, started]

        old = migrate(before)  # and back
        assert not ModelLogEntry.objects.filter(action__startswith="quiz.").exists()
        restored = old.get_model("quiz", "QuizLogEntry").objects.order_by("pk")
        fields = ["action", "actor_id", "at", "quiz_id", "attempt_id", "reason", "payload"]
        assert [[getattr(r, f) for f in fields] for r in restored] == [
            [getattr(r, f) for f in fields] for r in rows
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("quiz"))
