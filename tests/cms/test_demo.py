import pytest
from django.test import Client
from wagtail.models import Page

from cms import demo
from cms.models import RecordingPage, Visibility
from lms import demo as lms_demo

pytestmark = pytest.mark.django_db


def test_seed_builds_the_demo_tree_and_running_it_twice_changes_nothing():
    lms_demo.seed()
    demo.seed()
    pages = Page.objects.count()
    recordings = list(RecordingPage.objects.live())

    demo.seed()

    assert Page.objects.count() == pages
    assert len(recordings) >= 6
    assert any(r.visibility == Visibility.MEMBERS for r in recordings)
    assert sum(r.is_upcoming for r in recordings) == 1
    client = Client()
    for url in ["/", "/about/", "/learning/", "/recordings/"]:
        assert client.get(url).status_code == 200, url
    public_video = next(r for r in recordings if r.video and not r.is_members_only).video
    assert client.get(public_video.url).status_code == 200
