"""The guided path after sign-up: profile, standard and firm, course, practice, exam,
application, with the person's progress on their dashboard."""

import pytest
from django.urls import reverse

from accreditation.models import Affiliation, Application, Requirement
from accreditation.selectors.pathway import auditor_path
from accreditation.views.pathway import pathway_panel
from tests.accreditation.factories import (
    ApplicationFactory,
    AuditorFactory,
    ProgrammeFactory,
    RequirementFactory,
)
from tests.factories import UserFactory
from tests.quiz.factories import exam_of_one_question

pytestmark = pytest.mark.django_db


def _panel(rf, user):
    request = rf.get("/dashboard/")
    request.user = user
    return pathway_panel(request)


def test_a_new_person_sees_every_step_to_do_and_where_to_start(rf):
    person = UserFactory()
    path = auditor_path(user=person)
    assert [step.key for step in path.steps] == [
        "profile",
        "choose",
        "course",
        "practice",
        "exam",
        "application",
    ]
    assert path.done_count == 0
    assert path.next_step.key == "profile"
    html = _panel(rf, person)
    assert "Becoming an accredited auditor" in html
    assert "0 of 6 steps done" in html
    assert f'href="{reverse("accreditation:profile")}"' in html
    assert 'aria-current="step"' in html


def test_members_staff_and_signed_out_people_get_no_path(rf, member, staff_user):
    from django.contrib.auth.models import AnonymousUser

    assert auditor_path(user=member) is None
    assert auditor_path(user=staff_user) is None
    assert auditor_path(user=AnonymousUser()) is None
    assert _panel(rf, member) is None


def test_an_applicant_sees_their_firm_waiting_and_the_exam_still_to_pass(rf):
    exam = exam_of_one_question(title="PS auditor exam")
    auditor = AuditorFactory()
    application = ApplicationFactory(auditor=auditor)
    Affiliation.objects.filter(auditor=auditor).update(status=Affiliation.Status.PENDING)
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=application.standard_version),
        kind=Requirement.Kind.EXAM_PASSED,
        title="Exam passed",
        quiz=exam,
    )
    path = auditor_path(user=auditor.user)
    steps = {step.key: step for step in path.steps}
    assert list(steps) == ["profile", "choose", "exam", "application"]
    assert steps["profile"].done
    assert not steps["choose"].done
    assert "waiting for the firm to confirm you" in steps["choose"].detail
    assert not steps["exam"].done and steps["exam"].url == exam.get_absolute_url()
    assert "Not sent yet" in steps["application"].detail
    html = _panel(rf, auditor.user)
    assert "1 of 4 steps done" in html
    assert exam.get_absolute_url() in html

    Affiliation.objects.filter(auditor=auditor).update(status=Affiliation.Status.CONFIRMED)
    assert auditor_path(user=auditor.user).done_count == 2


def test_once_granted_the_panel_gives_way_to_the_accreditation_panel(rf):
    application = ApplicationFactory(status=Application.Status.GRANTED)
    path = auditor_path(user=application.auditor.user)
    assert path.complete
    assert _panel(rf, application.auditor.user) is None
