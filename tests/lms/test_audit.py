"""``lms.audit``: the one entry point of the audit log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.log_actions import LogContext

from lms.audit import UnregisteredAction, batched, entries_for, record
from tests.courses.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_record_writes_one_entry_with_the_actor_reason_and_data(staff_user):
    course = CourseFactory(title="Auditor core")

    entry = record(
        "courses.enrollment.created",
        instance=course,
        user=staff_user,
        reason="entered by hand",
        data={"source": "staff"},
        title="Auditor core (staff entry)",
    )

    assert list(entries_for(course)) == [entry]
    assert entry.user == staff_user and entry.object_id == str(course.pk)
    assert entry.data == {"source": "staff", "reason": "entered by hand"}
    assert entry.label == "Auditor core (staff entry)"


def test_record_refuses_an_action_no_app_registered():
    course = CourseFactory()
    with pytest.raises(UnregisteredAction):
        record("courses.enrollment.teleported", instance=course)
    assert not entries_for(course).exists()


def test_a_system_event_during_a_signed_in_request_is_not_claimed_for_that_person(staff_user):
    course = CourseFactory()
    with LogContext(user=staff_user) as context:  # what Wagtail's middleware sets up
        system = record("courses.certificate.issued", instance=course)
        by_staff = record("courses.certificate.revoked", instance=course, user=staff_user)

    assert system.user is None
    assert by_staff.user == staff_user
    assert system.uuid == by_staff.uuid == context.uuid  # one request, one group


def test_a_label_longer_than_the_column_is_cut_not_refused():
    from courses.quiz import services as quiz_services
    from tests.factories import UserFactory
    from tests.quiz.factories import quiz_with, single_choice

    quiz = quiz_with(single_choice(), title="Q" * 200)
    attempt = quiz_services.attempt_start(user=UserFactory(full_name="N" * 100), quiz=quiz)
    assert len(str(attempt)) > 255
    entry = record("quiz.attempt.started", instance=attempt)
    assert len(entry.label) == 255
    assert entries_for(attempt).get(action="quiz.attempt.started", user=None).label == entry.label


def test_entries_recorded_in_a_batch_are_written_together_at_its_end(staff_user):
    course = CourseFactory()
    with CaptureQueriesContext(connection) as queries, batched():
        first = record("courses.enrollment.created", instance=course, user=staff_user)
        second = record("courses.certificate.issued", instance=course, reason="passed")
        assert not entries_for(course).exists()  # nothing written yet
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1  # one INSERT for both, when the block ended
    entries = list(entries_for(course).order_by("pk"))
    assert [e.action for e in entries] == [first.action, second.action]
    assert entries[0].user == staff_user and entries[1].data == {"reason": "passed"}


def test_a_batch_that_fails_writes_nothing():
    course = CourseFactory()
    with pytest.raises(RuntimeError), batched():
        record("courses.enrollment.created", instance=course)
        raise RuntimeError("the change failed")
    assert not entries_for(course).exists()
    record("courses.certificate.issued", instance=course)  # after it, entries are written at once
    assert entries_for(course).count() == 1
