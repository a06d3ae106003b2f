"""Who saw what: staff opening someone's evidence, submission or exam attempt is logged
(who, when, what, whose), a look at one's own data is not, and only the data-protection
officer sees the report (Reports → Personal data access), with filters and CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from django.urls import reverse

from accreditation import services as accreditation_services
from accreditation.models import AuditorProfile, Evidence
from courses.models import Submission
from courses.quiz import services as quiz_services
from courses.quiz.models import Attempt
from lms.privacy.access_log import DPO_GROUP, record_access
from lms.privacy.models import AccessKind, PersonalDataAccess
from tests.accreditation.factories import ApplicationFactory
from tests.conftest import TEST_TOTP_SECRET, login_with_mfa
from tests.courses.factories import AssignmentFactory
from tests.factories import UserFactory
from tests.quiz.factories import QuestionCategoryFactory, essay, quiz_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_folders")]


@pytest.fixture
def auditor():
    return UserFactory(full_name="Ada Auditor", email="ada@example.org")


@pytest.fixture
def evidence(auditor) -> Evidence:
    application = ApplicationFactory(auditor=AuditorProfile.objects.create(user=auditor))
    return accreditation_services.evidence_upload(
        application=application,
        file=ContentFile(b"%PDF CV", name="cv.pdf"),
        description="CV",
    )


@pytest.fixture
def submission(auditor) -> Submission:
    submission = Submission(assignment=AssignmentFactory(), user=auditor, text="Plan")
    submission.file.save("plan.pdf", ContentFile(b"%PDF plan"), save=False)
    submission.save()
    return submission


@pytest.fixture
def attempt(auditor) -> Attempt:
    attempt = quiz_services.attempt_start(
        user=auditor,
        quiz=quiz_with(
            essay(category=QuestionCategoryFactory(is_exam_pool=True)),
            pass_mark=Decimal("50"),
            is_exam=True,
        ),
    )
    quiz_services.attempt_save_answer(
        attempt=attempt, position=0, answer={"text": "My essay"}, version=0
    )
    return quiz_services.attempt_submit(attempt=attempt)


def _own(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def dpo():
    person = UserFactory(full_name="Dora Protection", role=DPO_GROUP)
    TOTP.activate(person, TEST_TOTP_SECRET)
    return person


@pytest.fixture
def dpo_client(dpo) -> Client:
    return login_with_mfa(Client(), dpo)


# --- what is logged -------------------------------------------------------------------------


def test_staff_downloading_someones_evidence_is_logged(staff_client, staff_user, evidence, auditor):
    response = staff_client.get(reverse("accreditation:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200 and _body(response) == b"%PDF CV"
    row = PersonalDataAccess.objects.get()
    assert (row.viewer, row.owner, row.kind) == (staff_user, auditor, AccessKind.EVIDENCE_FILE)
    assert row.content_type == ContentType.objects.get_for_model(Evidence)
    assert row.object_id == str(evidence.pk) and row.at is not None


def test_the_auditor_downloading_their_own_evidence_is_not_logged(evidence, auditor):
    response = _own(auditor).get(reverse("accreditation:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_a_refused_download_is_not_logged(evidence):
    stranger = _own(UserFactory())
    assert (
        stranger.get(reverse("accreditation:evidence_file", args=[evidence.pk])).status_code == 403
    )
    assert not PersonalDataAccess.objects.exists()


def test_staff_downloading_a_submission_is_logged_and_the_learner_is_not(
    staff_client, staff_user, submission, auditor
):
    url = reverse("courses:submission_file", args=[submission.pk])
    assert _own(auditor).get(url).status_code == 200
    assert not PersonalDataAccess.objects.exists()
    assert staff_client.get(url).status_code == 200
    row = PersonalDataAccess.objects.get()
    assert (row.viewer, row.owner, row.kind) == (staff_user, auditor, AccessKind.SUBMISSION_FILE)
    assert row.object_id == str(submission.pk)


def test_staff_opening_a_submission_to_mark_it_is_logged(
    staff_client, staff_user, submission, auditor
):
    page = staff_client.get(reverse("courses_admin:mark_submission", args=[submission.pk]))
    assert page.status_code == 200 and "Plan" in page.content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.viewer, row.owner, row.kind) == (staff_user, auditor, AccessKind.SUBMISSION_FILE)


def test_staff_opening_an_exam_attempt_to_mark_it_is_logged(
    staff_client, staff_user, attempt, auditor
):
    response = attempt.responses.get()
    page = staff_client.get(reverse("quiz_admin:mark", args=[response.pk]))
    assert page.status_code == 200 and "My essay" in page.content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.viewer, row.owner, row.kind) == (staff_user, auditor, AccessKind.ATTEMPT)
    assert row.content_type == ContentType.objects.get_for_model(Attempt)
    assert row.object_id == str(attempt.pk)


def test_staff_opening_an_attempt_in_the_admin_is_logged(
    staff_client, staff_user, attempt, auditor
):
    url = reverse("wagtailsnippets_quiz_attempt:inspect", args=[attempt.pk])
    assert staff_client.get(url).status_code == 200
    row = PersonalDataAccess.objects.get()
    assert (row.viewer, row.owner, row.kind) == (staff_user, auditor, AccessKind.ATTEMPT)


def test_nothing_is_recorded_for_oneself_or_for_nobody(attempt, auditor):
    request = RequestFactory().get("/")
    request.user = auditor
    assert record_access(request, attempt, auditor, AccessKind.ATTEMPT) is None
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert record_access(request, attempt, auditor.pk, AccessKind.ATTEMPT) is None
    assert not PersonalDataAccess.objects.exists()


def test_a_recorded_access_cannot_be_changed(staff_user, attempt, auditor):
    request = RequestFactory().get("/x/")
    request.user = staff_user
    row = record_access(request, attempt, auditor, AccessKind.ATTEMPT)
    assert row.path == "/x/"
    with pytest.raises(ValueError):
        row.save()


# --- the data-protection officer ------------------------------------------------------------


def test_the_dpo_group_has_admin_access_and_the_report_and_nothing_else():
    group = Group.objects.get(name=DPO_GROUP)
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        ("wagtailadmin", "access_admin"),
        ("privacy", "view_personaldataaccess"),
    }
    view = Permission.objects.get(codename="view_personaldataaccess")
    assert not Group.objects.filter(name="Secretariat", permissions=view).exists()


def test_the_dpo_sees_the_report_with_filters_and_csv(
    dpo_client, staff_client, staff_user, evidence, attempt, auditor
):
    staff_client.get(reverse("accreditation:evidence_file", args=[evidence.pk]))
    staff_client.get(reverse("quiz_admin:mark", args=[attempt.responses.get().pk]))
    other = UserFactory(full_name="Zed Else")
    request = RequestFactory().get("/")
    request.user = staff_user
    record_access(request, attempt, other, AccessKind.ATTEMPT)

    url = reverse("privacy_access:index")
    page = dpo_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ada Auditor" in html and "Zed Else" in html and staff_user.email in html
    assert "Evidence file downloaded" in html and "Exam or quiz attempt viewed" in html

    by_kind = dpo_client.get(url, {"kind": AccessKind.EVIDENCE_FILE}).content.decode()
    assert "Evidence file downloaded" in by_kind and "Zed Else" not in by_kind
    by_owner = dpo_client.get(url, {"owner": "zed"}).content.decode()
    assert "Zed Else" in by_owner and "Ada Auditor" not in by_owner
    nobody = dpo_client.get(url, {"viewer": UserFactory().pk}).status_code
    assert nobody == 200  # not one of the viewers: the filter says so, no error
    by_viewer = dpo_client.get(url, {"viewer": staff_user.pk}).content.decode()
    assert "Zed Else" in by_viewer

    hostile = dpo_client.get(url, {"viewer": "x'", "at_after": "nope", "kind": "<script>"})
    assert hostile.status_code == 200 and '"<script>' not in hostile.content.decode()

    csv = dpo_client.get(url, {"export": "csv"})
    assert csv.status_code == 200
    text = _body(csv).decode()
    assert "Whose data" in text.splitlines()[0]
    assert "ada@example.org" in text and text.count("\n") >= 4


def test_the_report_is_in_the_dpos_menu_only(dpo_client, staff_client):
    url = reverse("privacy_access:index")
    assert url in dpo_client.get(reverse("wagtailadmin_home")).content.decode()
    assert url not in staff_client.get(reverse("wagtailadmin_home")).content.decode()


def test_staff_without_the_permission_and_learners_cannot_open_the_report(staff_client, auditor):
    """Wagtail answers a refusal inside the admin with a redirect to its home page and a
    message; nothing of the report is sent."""
    url = reverse("privacy_access:index")
    for response in (staff_client.get(url), staff_client.get(url, {"export": "csv"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert _own(auditor).get(url).status_code == 403  # no admin access at all
    signed_out = Client().get(url)
    assert signed_out.status_code == 302 and "login" in signed_out["Location"]
