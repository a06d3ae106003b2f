"""A page below a members-only page is members-only, however deep and whatever its own
field says: when served, in search, in listings and teasers, and for its documents."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cms import selectors
from cms.dashboard import render_progress_panel
from cms.models import (
    ContentPage,
    HomePageFeaturedModule,
    LearningModuleIndexPage,
    RecordingIndexPage,
    Visibility,
)
from tests.cms.factories import add_page, make_document, make_module, make_recording

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge badge-warn">Members only</span>'


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def members_index(home) -> LearningModuleIndexPage:
    return add_page(
        home,
        LearningModuleIndexPage(
            title="Member learning", slug="member-learning", visibility=Visibility.MEMBERS
        ),
    )


@pytest.fixture
def members_recordings(home) -> RecordingIndexPage:
    return add_page(
        home,
        RecordingIndexPage(
            title="Member sessions", slug="member-sessions", visibility=Visibility.MEMBERS
        ),
    )


@pytest.fixture
def guide_tree(home):
    """A members-only guide with a public-by-its-own-field page two levels below it."""
    handout = make_document("Grievance handout", "grievance-handout.pdf")
    guide = add_page(
        home, ContentPage(title="Members' guide", slug="guide", visibility=Visibility.MEMBERS)
    )
    chapter = add_page(guide, ContentPage(title="Chapter one", slug="chapter-one"))
    body = [{"type": "document", "value": {"document": handout.pk, "label": ""}}]
    section = add_page(
        chapter,
        ContentPage(
            title="Grievance mechanisms in depth",
            slug="grievance",
            intro="How grievance mechanisms work.",
            body=body,
        ),
    )
    return guide, chapter, section, handout


def test_a_page_two_levels_below_a_members_only_page_gets_the_access_page(guide_tree):
    section = guide_tree[2]
    assert section.visibility == Visibility.PUBLIC

    response = _client().get(section.url)

    assert response.status_code == 403
    body = response.content.decode()
    assert "This content is for members" in body
    assert "/accounts/login/?next=" in body


def test_a_member_reads_a_page_below_a_members_only_page(guide_tree, member):
    response = _client(member).get(guide_tree[2].url)

    assert response.status_code == 200
    assert BADGE in response.content.decode()


def test_a_members_only_index_page_gets_the_access_page(members_index):
    response = _client().get(members_index.url)

    assert response.status_code == 403
    assert "This content is for members" in response.content.decode()


def test_a_module_below_a_members_only_index_is_refused_to_a_non_member(members_index, non_member):
    module = make_module(members_index, title="Grievance basics")

    response = _client(non_member).get(module.url)

    assert response.status_code == 403
    assert "not linked to an organisation with an active membership" in (response.content.decode())


def test_a_non_member_cannot_complete_a_module_below_a_members_only_index(
    members_index, non_member
):
    module = make_module(members_index)

    response = _client(non_member).post(reverse("cms:module_complete", args=[module.pk]))

    assert response.status_code == 403


def test_the_calendar_file_of_a_session_below_a_members_only_index_is_refused(
    members_recordings,
):
    session = make_recording(members_recordings, session_date=datetime.date(2099, 1, 1))

    response = _client().get(reverse("cms:session_calendar", args=[session.pk]))

    assert response.status_code == 403


def test_search_never_shows_a_public_visitor_the_title_of_an_inherited_members_only_page(
    guide_tree,
):
    body = _client().get("/search/", {"q": "grievance"}).content.decode()

    assert "Grievance mechanisms in depth" not in body


def test_search_shows_a_member_the_inherited_members_only_page_marked_as_such(guide_tree, member):
    body = _client(member).get("/search/", {"q": "grievance"}).content.decode()

    assert "Grievance mechanisms in depth" in body
    assert "Members only" in body


def test_the_home_page_teasers_mark_pages_below_members_only_indexes(
    home, members_index, members_recordings
):
    module = make_module(members_index, title="Featured grievance module")
    HomePageFeaturedModule.objects.create(page=home, module=module, sort_order=0)
    make_recording(members_recordings, title="45 minutes on member grievances")
    make_recording(
        members_recordings,
        title="45 minutes on upcoming member things",
        session_date=datetime.date(2099, 1, 1),
    )

    body = _client().get("/").content.decode()

    for title in [
        "Featured grievance module",
        "45 minutes on member grievances",
        "45 minutes on upcoming member things",
    ]:
        card = body[body.index(title) :].split("</article>")[0]
        assert BADGE in card, title


def test_the_learning_module_index_marks_each_module_of_a_members_only_index(members_index, member):
    make_module(members_index, title="Inherited module")

    body = _client(member).get(members_index.url).content.decode()

    card = body[body.index("Inherited module") :].split("</article>")[0]
    assert BADGE in card


def test_the_recording_index_marks_recordings_of_a_members_only_index(members_recordings, member):
    make_recording(members_recordings, title="45 minutes on inherited access")

    body = _client(member).get(members_recordings.url).content.decode()

    card = body[body.index("45 minutes on inherited access") :].split("</article>")[0]
    assert BADGE in card


def test_public_listings_show_no_badge_on_public_pages(learning_index):
    make_module(learning_index, title="Open module")

    body = _client().get(learning_index.url).content.decode()

    assert BADGE not in body


def test_the_dashboard_leaves_out_modules_below_a_members_only_index_for_non_members(
    members_index, learning_index, non_member, rf
):
    make_module(members_index, title="Inherited module")
    make_module(learning_index, title="Open module")
    request = rf.get("/dashboard/")
    request.user = non_member

    html = render_progress_panel(request)

    assert "Open module" in html
    assert "Inherited module" not in html


def test_a_document_used_below_a_members_only_page_is_refused_by_direct_url(guide_tree, non_member):
    handout = guide_tree[3]

    assert _client().get(handout.url).status_code == 403
    assert _client(non_member).get(handout.url).status_code == 403


def test_a_member_downloads_a_document_used_below_a_members_only_page(guide_tree, member):
    assert _client(member).get(guide_tree[3].url).status_code == 200


def test_the_video_of_a_recording_below_a_members_only_index_is_refused(
    members_recordings, non_member, member
):
    video = make_document("Session video", "session.webm", b"\x1aE\xdf\xa3 fake webm")
    make_recording(members_recordings, video=video)

    assert _client(non_member).get(video.url).status_code == 403
    assert _client(member).get(video.url).status_code == 200


def test_members_only_page_ids_include_every_page_below(guide_tree, home):
    guide, chapter, section, _ = guide_tree
    public = add_page(home, ContentPage(title="About", slug="about"))

    ids = selectors.members_only_page_ids()

    assert {guide.pk, chapter.pk, section.pk} <= ids
    assert public.pk not in ids
    assert home.pk not in ids


def test_members_only_paths_leave_out_pages_below_another_members_only_page(guide_tree):
    guide, chapter, _, _ = guide_tree
    chapter.visibility = Visibility.MEMBERS
    chapter.save_revision().publish()

    assert selectors.members_only_paths() == [guide.path]


def test_a_page_made_public_again_releases_the_pages_below(guide_tree):
    guide, _, section, _ = guide_tree
    guide.visibility = Visibility.PUBLIC
    guide.save_revision().publish()

    assert _client().get(section.url).status_code == 200


def test_the_editor_is_told_that_a_page_inherits_members_only(
    guide_tree, members_index, staff_client
):
    section = guide_tree[2]
    module = make_module(members_index)

    edit_section = staff_client.get(reverse("wagtailadmin_pages:edit", args=[section.pk]))
    add_module = staff_client.get(
        reverse("wagtailadmin_pages:add", args=["cms", "learningmodulepage", members_index.pk])
    )
    edit_module = staff_client.get(reverse("wagtailadmin_pages:edit", args=[module.pk]))

    assert "because it is below “Members&#x27; guide”, which is members-only" in (
        edit_section.content.decode()
    )
    for response in (add_module, edit_module):
        assert response.status_code == 200
        assert "because it is below “Member learning”, which is members-only" in (
            response.content.decode()
        )


def test_the_editor_of_a_public_page_is_not_told_it_inherits(learning_index, staff_client):
    module = make_module(learning_index)

    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[module.pk]))

    assert response.status_code == 200
    assert "because it is below" not in response.content.decode()
