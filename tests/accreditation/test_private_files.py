"""Accreditation evidence (CVs, certificates) is personal: it is kept in the private storage
under a random name, never under MEDIA_ROOT, reachable by no /media/ URL (in DEBUG
neither), and downloaded only by the auditor and staff who review applications."""

import io
import re
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accreditation.models import AuditorProfile, Evidence
from tests.accreditation.factories import ApplicationFactory, ProgrammeFactory, RequirementFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_folders")]

CV = b"%PDF-1.4 Jane Smith, 240 audit days"


@pytest.fixture
def auditor():
    return UserFactory()


@pytest.fixture
def evidence(auditor) -> Evidence:
    """A CV uploaded through the auditor's evidence page."""
    application = ApplicationFactory(auditor=AuditorProfile.objects.create(user=auditor))
    requirement = RequirementFactory(
        programme=ProgrammeFactory(standard_version=application.standard_version)
    )
    client = Client()
    client.force_login(auditor)
    response = client.post(
        reverse("accreditation:evidence_upload", args=[application.pk]),
        {
            "requirement": requirement.pk,
            "description": "CV",
            "file": SimpleUploadedFile("Jane Smith CV.pdf", CV, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    return Evidence.objects.get()


def _get(url: str, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_evidence_is_stored_in_private_storage_under_a_random_name(evidence, settings):
    assert re.fullmatch(r"accreditation/evidence/[0-9a-f]{32}\.pdf", evidence.file.name)
    assert evidence.original_filename == "Jane Smith CV.pdf"
    path = Path(evidence.file.path).resolve()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in path.parents
    assert path.read_bytes() == CV
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_evidence_has_no_public_url(evidence):
    with pytest.raises(NotImplementedError):
        _ = evidence.file.url


def test_the_auditor_downloads_the_evidence_under_the_name_it_was_uploaded_with(evidence, auditor):
    response = _get(reverse("accreditation:evidence_file", args=[evidence.pk]), auditor)

    assert response.status_code == 200
    assert _body(response) == CV
    assert 'filename="Jane Smith CV.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_reviewers_download_evidence_and_nobody_else_does(evidence, staff_client):
    url = reverse("accreditation:evidence_file", args=[evidence.pk])

    assert staff_client.get(url).status_code == 200
    anonymous = _get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert _get(url, UserFactory()).status_code == 403


def _variants(name: str, private_root: str) -> list[str]:
    """``/media/`` URLs that once reached evidence, or might: the name itself, the old
    layout, doubled and encoded slashes, dot segments, the private folder by path."""
    root = private_root.lstrip("/")
    return [
        f"/media/{name}",
        f"/media//{name}",
        f"/media/%2F{name}",
        f"/media/./{name}",
        f"/media/images/../{name}",
        f"/media/images/..%2F{name}",
        f"/media/../private-media/{name}",
        f"/media/%2E%2E/private-media/{name}",
        f"/media/{root}/{name}",
        f"/media//{root}/{name}",
        f"/media/..{private_root}/{name}",
    ]


def test_no_media_url_variant_serves_evidence_in_debug(evidence, debug_urls, settings):
    for url in _variants(evidence.file.name, str(settings.PRIVATE_MEDIA_ROOT)):
        response = _get(url)
        assert response.status_code in (400, 404), url
        assert CV not in _body(response), url


def test_evidence_left_in_media_root_is_not_served_in_debug(debug_urls):
    """A file of the old layout, not moved yet, is not published either."""
    name = default_storage.save("accreditation/evidence/2024/05/cv.pdf", ContentFile(CV))

    for url in (f"/media/{name}", f"/media//{name}", f"/media/%2F{name}"):
        response = _get(url)
        assert response.status_code == 404, url
        assert CV not in _body(response), url


# --- moving evidence stored before --------------------------------------------------------


@pytest.fixture
def old_public_evidence(evidence) -> Evidence:
    """Evidence as the site stored it before: original name, under MEDIA_ROOT."""
    old_name = default_storage.save(
        "accreditation/evidence/2024/05/Jane_Smith_CV.pdf", ContentFile(CV)
    )
    evidence.file.delete(save=False)
    Evidence.objects.filter(pk=evidence.pk).update(file=old_name, original_filename="")
    evidence.refresh_from_db()
    return evidence


def test_move_private_files_moves_old_evidence_to_a_random_private_name(old_public_evidence):
    old_name = old_public_evidence.file.name

    call_command("move_private_files", stdout=io.StringIO(), stderr=io.StringIO())

    old_public_evidence.refresh_from_db()
    assert re.fullmatch(r"accreditation/evidence/[0-9a-f]{32}\.pdf", old_public_evidence.file.name)
    assert Path(old_public_evidence.file.path).read_bytes() == CV
    assert old_public_evidence.original_filename == "Jane_Smith_CV.pdf"
    assert not default_storage.exists(old_name)


def test_move_private_files_is_safe_to_run_again(old_public_evidence):
    call_command("move_private_files", stdout=io.StringIO(), stderr=io.StringIO())
    old_public_evidence.refresh_from_db()
    moved_to = old_public_evidence.file.name
    out = io.StringIO()

    call_command("move_private_files", stdout=out, stderr=io.StringIO())

    old_public_evidence.refresh_from_db()
    assert old_public_evidence.file.name == moved_to
    assert "accreditation.Evidence.file: 0 moved, 1 already private, 0 missing" in out.getvalue()


def test_move_private_files_dry_run_changes_nothing(old_public_evidence):
    old_name = old_public_evidence.file.name
    out = io.StringIO()

    call_command("move_private_files", "--dry-run", stdout=out, stderr=io.StringIO())

    old_public_evidence.refresh_from_db()
    assert old_public_evidence.file.name == old_name
    assert default_storage.exists(old_name)
    assert "accreditation.Evidence.file: 1 to move" in out.getvalue()


def test_move_private_files_reports_a_file_that_is_nowhere_and_leaves_its_row(evidence):
    Evidence.objects.filter(pk=evidence.pk).update(file="accreditation/evidence/gone.pdf")
    err = io.StringIO()

    call_command("move_private_files", stdout=io.StringIO(), stderr=err)

    evidence.refresh_from_db()
    assert evidence.file.name == "accreditation/evidence/gone.pdf"
    assert "accreditation/evidence/gone.pdf" in err.getvalue()


# --- configuration ------------------------------------------------------------------------


def test_a_private_folder_inside_media_root_is_a_configuration_error(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "media" / "private")

    errors = [e for e in run_checks() if e.id == "lms.E010"]

    assert errors
    assert "MEDIA_ROOT" in errors[0].msg
