"""``lms.audit``: the one entry point of the audit log."""

import pytest
from wagtail.log_actions import LogContext

from lms.audit import UnregisteredAction, entries_for, record
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
