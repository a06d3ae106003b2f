"""Auditors apply, see what is missing with links, upload evidence and consent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accreditation.models import Application, AuditorProfile, Evidence, Requirement
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
    sector_for,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("accreditation:mine"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_apply_creates_a_draft_and_the_profile(auditor_client):
    version = StandardVersionFactory(standard__code="CoC")
    firm = FirmFactory()
    response = auditor_client.post(
        reverse("accreditation:apply", args=[version.pk]),
        {
            "firm": firm.pk,
            "sectors": [sector_for("CoC", "casthouse").pk],
            "countries": ["GN", "DE"],
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.status == Application.Status.DRAFT
    assert application.auditor.user == auditor_client.user
    assert auditor_client.user.groups.filter(name="Auditors").exists()
    submit = auditor_client.post(reverse("accreditation:application_submit", args=[application.pk]))
    assert submit.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.READY_FOR_REVIEW  # no requirements


def test_application_page_lists_each_requirement_with_a_link(auditor_client, training, course):
    auditor = AuditorProfile.objects.create(user=auditor_client.user)
    application = ApplicationFactory(auditor=auditor)
    programme = ProgrammeFactory(standard_version=application.standard_version)
    RequirementFactory(
        programme=programme,
        kind=Requirement.Kind.COURSE_COMPLETED,
        title="Core training",
        course=course,
    )
    RequirementFactory(programme=programme, title="Lead auditor certificate")
    response = auditor_client.get(reverse("accreditation:application", args=[application.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "course “Core training” is not completed"
        in content.replace("&ldquo;", "“").replace("&rdquo;", "”")
        or "Core training" in content
    )
    assert course.get_absolute_url() in content
    assert reverse("accreditation:evidence_upload", args=[application.pk]) in content


def test_evidence_upload_stores_a_pending_document(auditor_client):
    auditor = AuditorProfile.objects.create(user=auditor_client.user)
    application = ApplicationFactory(auditor=auditor)
    requirement = RequirementFactory(
        programme=ProgrammeFactory(standard_version=application.standard_version)
    )
    response = auditor_client.post(
        reverse("accreditation:evidence_upload", args=[application.pk]),
        {
            "requirement": requirement.pk,
            "description": "Lead auditor certificate",
            "file": SimpleUploadedFile("cert.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get().status == Evidence.Status.PENDING


def test_evidence_upload_refuses_executables(auditor_client):
    auditor = AuditorProfile.objects.create(user=auditor_client.user)
    application = ApplicationFactory(auditor=auditor)
    response = auditor_client.post(
        reverse("accreditation:evidence_upload", args=[application.pk]),
        {"description": "x", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_other_peoples_applications_are_forbidden(auditor_client):
    application = ApplicationFactory()
    response = auditor_client.get(reverse("accreditation:application", args=[application.pk]))
    assert response.status_code == 403


def test_my_page_shows_accreditations_and_consent_can_be_given(auditor_client):
    auditor = AuditorProfile.objects.create(user=auditor_client.user, listed_consent=False)
    accreditation = AccreditationFactory(auditor=auditor)
    page = auditor_client.get(reverse("accreditation:mine"))
    assert page.status_code == 200
    html = page.content.decode()
    assert accreditation.code in html
    pdf_url = reverse("accreditation:certificate_pdf", args=[accreditation.code])
    assert pdf_url in html and f"/verify/{accreditation.code}/" in html
    assert auditor_client.get(pdf_url)["Content-Type"] == "application/pdf"
    auditor_client.post(
        reverse("accreditation:profile"), {"languages": "English, French", "listed_consent": "on"}
    )
    auditor.refresh_from_db()
    assert auditor.listed_consent is True


def test_dashboard_panel_shows_status_and_next_expiry(rf):
    from accreditation.views.auditor import dashboard_panel

    accreditation = AccreditationFactory()
    request = rf.get("/dashboard/")
    request.user = accreditation.auditor.user
    html = dashboard_panel(request)
    assert "Dec. 31, 2030" in html
    assert "Active" in html
    request.user = UserFactory()
    assert dashboard_panel(request) is None


def test_evidence_files_are_private_to_the_auditor_and_reviewers(auditor_client, staff_client):
    auditor = AuditorProfile.objects.create(user=auditor_client.user)
    application = ApplicationFactory(auditor=auditor)
    evidence = Evidence.objects.create(
        application=application,
        description="CV",
        file=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv"),
    )
    url = reverse("accreditation:evidence_file", args=[evidence.pk])
    assert auditor_client.get(url).status_code == 200
    assert staff_client.get(url).status_code == 200
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 403
