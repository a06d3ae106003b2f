"""Wagtail documents are private files: kept in the private storage under an unguessable
path, never under MEDIA_ROOT, reachable by no /media/ URL (in DEBUG neither), and served
only by Wagtail's document view to people who may read a live place that uses them."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from cms.models import ContentPage, Visibility
from tests.cms.factories import add_page, make_document, make_recording

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_folders")]

SECRET = b"%PDF-1.4 members' secret"


def _get(url: str, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _members_only_document(home):
    document = make_document("Members' slides", "members-slides.pdf", SECRET)
    body = [{"type": "document", "value": {"document": document.pk, "label": ""}}]
    add_page(
        home,
        ContentPage(title="Members' guide", slug="guide", visibility=Visibility.MEMBERS, body=body),
    )
    return document


# --- where the files are -----------------------------------------------------------------


def test_a_document_file_is_in_private_storage_under_a_random_folder(settings):
    document = make_document("Slides", "Board minutes 2024.pdf")

    assert re.fullmatch(r"documents/[0-9a-f]{32}/Board-minutes-2024\.pdf", document.file.name)
    path = Path(document.file.path)
    assert path.is_file()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in path.resolve().parents
    assert not default_storage.exists(document.file.name)
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_a_document_file_has_no_public_url():
    document = make_document("Slides", "slides.pdf")

    with pytest.raises(NotImplementedError):
        _ = document.file.url
    assert document.url == f"/documents/{document.pk}/slides.pdf"  # Wagtail's checked view


def test_two_documents_with_the_same_name_get_different_paths():
    first = make_document("One", "slides.pdf")
    second = make_document("Two", "slides.pdf")

    assert first.file.name != second.file.name
    assert first.filename == second.filename == "slides.pdf"


# --- no /media/ URL reaches a document -----------------------------------------------------


def _variants(name: str, private_root: str) -> list[str]:
    return [
        f"/media/{name}",
        f"/media//{name}",
        f"/media/%2F{name}",
        f"/media/%2f{name}",
        f"/media/./{name}",
        f"/media/images/../{name}",
        f"/media/images/..%2F{name}",
        f"/media/images/%2E%2E/{name}",
        f"/media/..{private_root}/{name}",
        f"/media/{private_root.lstrip('/')}/{name}",
        f"/media//{private_root.lstrip('/')}/{name}",
        f"/media/../private-media/{name}",
        f"/media/%2E%2E/private-media/{name}",
        f"/media/images%5C..%5C{name}",
        f"/media/{name}%00.png",
    ]


def test_no_media_url_variant_serves_a_members_only_document_in_debug(home, debug_urls, settings):
    document = _members_only_document(home)

    for url in _variants(document.file.name, str(settings.PRIVATE_MEDIA_ROOT)):
        response = _get(url)
        assert response.status_code in (400, 404), url
        assert SECRET not in _body(response), url


def test_no_media_url_variant_serves_a_document_without_debug(home, settings):
    document = _members_only_document(home)

    for url in _variants(document.file.name, str(settings.PRIVATE_MEDIA_ROOT)):
        response = _get(url)
        assert response.status_code in (400, 404), url
        assert SECRET not in _body(response), url


def test_a_document_left_in_media_root_is_not_served_in_debug(debug_urls, settings):
    """Even a document file that was never moved out of MEDIA_ROOT stays unpublished."""
    default_storage.save("documents/old-slides.pdf", _content(SECRET))

    for url in ("/media/documents/old-slides.pdf", "/media//documents/old-slides.pdf"):
        assert _get(url).status_code == 404


def test_image_renditions_are_still_served_in_debug(debug_urls):
    name = default_storage.save("images/picture.fill-10x10.png", _content(b"\x89PNG\r\n"))

    response = _get(f"/media/{name}")

    assert response.status_code == 200
    assert _body(response) == b"\x89PNG\r\n"


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


# --- who gets a document -----------------------------------------------------------------


def test_a_document_used_by_no_page_is_not_public(member):
    document = make_document("Stray", "stray.pdf", SECRET)

    for user in (None, member):
        response = _get(document.url, user)
        assert response.status_code == 403
        assert SECRET not in _body(response)


def test_editors_download_a_document_used_by_no_page(staff_client):
    document = make_document("Stray", "stray.pdf", SECRET)

    response = staff_client.get(document.url)

    assert response.status_code == 200
    assert _body(response) == SECRET


def test_a_document_used_only_in_a_draft_of_a_members_only_page_is_not_public(home, non_member):
    page = add_page(
        home, ContentPage(title="Members' guide", slug="guide", visibility=Visibility.MEMBERS)
    )
    document = make_document("Draft handout", "draft.pdf", SECRET)
    page.body = [{"type": "document", "value": {"document": document.pk, "label": ""}}]
    page.save_revision()  # a draft: not published

    for user in (None, non_member):
        response = _get(document.url, user)
        assert response.status_code == 403
        assert SECRET not in _body(response)


def test_a_document_on_a_page_never_published_is_not_public(home):
    document = make_document("Draft handout", "draft.pdf", SECRET)
    body = [{"type": "document", "value": {"document": document.pk, "label": ""}}]
    page = ContentPage(title="Coming soon", slug="soon", body=body, live=False)
    home.add_child(instance=page)
    page.save_revision()

    assert _get(document.url).status_code == 403


def test_a_document_of_a_live_public_page_is_public(home):
    document = make_document("Open handout", "open.pdf", b"%PDF-1.4 open")
    body = [{"type": "document", "value": {"document": document.pk, "label": ""}}]
    add_page(home, ContentPage(title="About", slug="about", body=body))

    response = _get(document.url)

    assert response.status_code == 200
    assert _body(response) == b"%PDF-1.4 open"


def test_a_public_page_does_not_open_a_document_that_a_members_only_page_uses(
    home, recording_index
):
    document = _members_only_document(home)
    make_recording(recording_index, slides=document)

    assert _get(document.url).status_code == 403


def test_wagtail_page_privacy_of_the_page_using_a_document_is_honoured(home, user):
    document = make_document("Login handout", "login.pdf", SECRET)
    body = [{"type": "document", "value": {"document": document.pk, "label": ""}}]
    page = add_page(home, ContentPage(title="Signed in", slug="signed-in", body=body))
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    assert _get(document.url).status_code == 403
    assert _get(document.url, user).status_code == 200


def test_a_refused_document_is_not_cached_by_shared_caches():
    document = make_document("Stray", "stray.pdf", SECRET)

    response = _get(document.url)

    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


# --- moving documents stored before -------------------------------------------------------


def test_move_private_files_moves_an_old_public_document_and_keeps_its_link_working(home):
    document = _members_only_document(home)
    get_document_model().objects.filter(pk=document.pk).update(file="documents/members-slides.pdf")
    default_storage.save("documents/members-slides.pdf", _content(SECRET))
    old_url = document.url

    call_command("move_private_files", stdout=io.StringIO(), stderr=io.StringIO())

    document.refresh_from_db()
    assert re.fullmatch(r"documents/[0-9a-f]{32}/members-slides\.pdf", document.file.name)
    assert Path(document.file.path).read_bytes() == SECRET
    assert not default_storage.exists("documents/members-slides.pdf")
    assert document.url == old_url  # same name: links and bookmarks keep working


def test_move_private_files_twice_moves_nothing_the_second_time(home):
    document = _members_only_document(home)
    get_document_model().objects.filter(pk=document.pk).update(file="documents/members-slides.pdf")
    default_storage.save("documents/members-slides.pdf", _content(SECRET))

    call_command("move_private_files", stdout=io.StringIO(), stderr=io.StringIO())
    document.refresh_from_db()
    moved_to = document.file.name
    second = io.StringIO()
    call_command("move_private_files", stdout=second, stderr=io.StringIO())

    document.refresh_from_db()
    assert document.file.name == moved_to
    assert "wagtaildocs.Document.file: 0 moved, 1 already private" in second.getvalue()
