import pytest
from django.test import Client

from cms.models import ContentPage, Visibility
from tests.cms.factories import add_page, make_document, make_recording

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_recording(recording_index):
    slides = make_document("Private slides", "private-slides.pdf")
    video = make_document("Private video", "private.webm", b"\x1aE\xdf\xa3 fake webm")
    return make_recording(
        recording_index,
        title="45 minutes on secret sauce",
        visibility=Visibility.MEMBERS,
        slides=slides,
        video=video,
    )


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_visitor_gets_the_access_page_with_a_sign_in_link(private_recording):
    response = _client().get(private_recording.url)

    assert response.status_code == 403
    body = response.content.decode()
    assert "This content is for members" in body
    assert "/accounts/login/?next=" in body
    assert "Private slides" not in body


def test_member_of_an_active_organisation_reads_a_members_only_page(private_recording, member):
    response = _client(member).get(private_recording.url)

    assert response.status_code == 200
    assert "45 minutes on secret sauce" in response.content.decode()


def test_staff_read_a_members_only_page(private_recording, staff_client):
    assert staff_client.get(private_recording.url).status_code == 200


@pytest.mark.parametrize("who", ["lapsed_member", "non_member"])
def test_people_without_active_membership_get_the_access_page(private_recording, who, request):
    response = _client(request.getfixturevalue(who)).get(private_recording.url)

    assert response.status_code == 403
    assert "not linked to an organisation with an active membership" in response.content.decode()


def test_public_page_is_readable_by_anyone(home):
    page = add_page(home, ContentPage(title="About", slug="about", intro="Who we are"))

    assert _client().get(page.url).status_code == 200


def test_slides_of_a_members_only_recording_are_refused_by_direct_url(private_recording):
    response = _client().get(private_recording.slides.url)

    assert response.status_code == 403
    assert "This content is for members" in response.content.decode()


def test_video_of_a_members_only_recording_is_refused_by_direct_url(private_recording, non_member):
    assert _client(non_member).get(private_recording.video.url).status_code == 403


def test_member_downloads_the_slides_of_a_members_only_recording(private_recording, member):
    response = _client(member).get(private_recording.slides.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_document_in_a_members_only_page_body_is_refused(home):
    document = make_document("Body handout", "handout.pdf")
    body = [{"type": "document", "value": {"document": document.pk, "label": ""}}]
    add_page(
        home,
        ContentPage(title="Members' guide", slug="guide", visibility=Visibility.MEMBERS, body=body),
    )

    assert _client().get(document.url).status_code == 403


def test_document_of_a_public_page_is_served_to_anyone(recording_index):
    recording = make_recording(recording_index, slides=make_document("Open slides", "open.pdf"))

    assert _client().get(recording.slides.url).status_code == 200
