import pytest
from django.test import Client

from cms.models import ContentPage, Visibility
from tests.cms.factories import add_page, make_recording

pytestmark = pytest.mark.django_db


@pytest.fixture
def recordings(recording_index):
    public = make_recording(
        recording_index,
        title="45 minutes on smelter emissions",
        transcript="We measured perfluorocarbons at every potline.",
    )
    private = make_recording(
        recording_index,
        title="45 minutes on confidential smelter audits",
        transcript="Only members hear about perfluorocarbons here.",
        visibility=Visibility.MEMBERS,
    )
    return public, private


def _search(client: Client, q: str) -> str:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_public_visitor_never_sees_a_members_only_title(recordings):
    body = _search(Client(), "smelter")

    assert "45 minutes on smelter emissions" in body
    assert "confidential smelter audits" not in body


def test_transcripts_are_searched(recordings):
    body = _search(Client(), "perfluorocarbons")

    assert "45 minutes on smelter emissions" in body
    assert "confidential" not in body


def test_member_finds_members_only_pages_marked_as_such(recordings, member_client):
    body = _search(member_client, "perfluorocarbons")

    assert "45 minutes on smelter emissions" in body
    assert "45 minutes on confidential smelter audits" in body
    assert "Members only" in body


def test_signed_in_non_member_does_not_see_members_only_titles(recordings, non_member):
    client = Client()
    client.force_login(non_member)

    assert "confidential" not in _search(client, "smelter")


def test_generic_pages_are_found_by_their_body(home):
    body = [{"type": "paragraph", "value": "<p>Grievance mechanisms explained.</p>"}]
    add_page(home, ContentPage(title="Guidance", slug="guidance", body=body))

    assert "Guidance" in _search(Client(), "grievance")


def test_published_courses_are_found(db):
    from courses.models import Course

    published = Course.objects.create(
        title="Chain of Custody auditor course",
        slug="coc-course",
        summary="Mass balance for auditors.",
        live=True,
    )
    Course.objects.create(title="Draft custody course", slug="draft-course", live=False)

    body = _search(Client(), "custody")

    assert published.title in body
    assert published.get_absolute_url() in body
    assert "Draft custody course" not in body


def test_empty_query_shows_the_form_only(db):
    body = _search(Client(), "")

    assert 'id="search-q"' in body
    assert "results" not in body
