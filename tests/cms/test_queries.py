"""Pages served to anonymous visitors make a number of queries that does not grow with
their content."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.cms.factories import make_module, make_recording

pytestmark = pytest.mark.django_db


def _count(url: str) -> int:
    client = Client()
    client.get(url)  # warm the site-root cache like a running server
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _recordings(index, n: int) -> None:
    make_recording(
        index, speakers=1, topics=["Climate"], session_date=datetime.date(2099, 1, 1)
    )  # one upcoming session
    for i in range(n):
        make_recording(index, speakers=2, topics=["Climate", f"Topic {i % 4}"])


@pytest.mark.parametrize("url", ["/recordings/", "/recordings/?topic=climate", "/"])
def test_recording_listings_make_a_constant_number_of_queries(
    recording_index, url, django_assert_max_num_queries
):
    _recordings(recording_index, 3)
    small = _count(url)

    _recordings(recording_index, 27)  # 30 past recordings, 3 pages of them
    with django_assert_max_num_queries(small):
        Client().get(url)
    assert _count(url) == small


def test_learning_module_index_makes_a_constant_number_of_queries(learning_index):
    for _ in range(3):
        make_module(learning_index)
    small = _count(learning_index.url)

    for _ in range(27):
        make_module(learning_index)

    assert _count(learning_index.url) == small


def test_recording_page_makes_a_constant_number_of_queries(recording_index):
    few = make_recording(recording_index, speakers=1, topics=["A"], photos=True)
    many = make_recording(
        recording_index, speakers=8, topics=["A", "B", "C", "D", "E"], photos=True
    )

    assert _count(few.url) == _count(many.url)


def test_listings_below_a_members_only_index_make_a_constant_number_of_queries(home, member):
    from cms.models import RecordingIndexPage, Visibility
    from tests.cms.factories import add_page

    index = add_page(
        home,
        RecordingIndexPage(title="Member sessions", slug="members", visibility=Visibility.MEMBERS),
    )
    client = Client()
    client.force_login(member)

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    _recordings(index, 3)
    small = {url: count(url) for url in ["/", index.url]}

    _recordings(index, 12)
    for i in range(5):
        make_recording(
            index, speakers=1, topics=["Climate"], visibility=Visibility.MEMBERS, title=f"Own {i}"
        )

    assert {url: count(url) for url in ["/", index.url]} == small
