"""Documents answer Range requests, so the video player can seek (chapter markers jump the
player) — behind the same access checks as whole downloads."""

import pytest
from django.core.signals import request_finished
from django.test import Client
from wagtail.models import Collection, CollectionViewRestriction

from cms import byte_ranges
from cms.models import Visibility
from tests.cms.factories import make_document, make_recording

pytestmark = pytest.mark.django_db

DATA = bytes(range(256)) * 4  # 1024 bytes, every offset distinguishable


@pytest.fixture
def video(recording_index):
    """The video of a public recording (a document used by no live page is not served)."""
    document = make_document("Session video", "session.webm", DATA)
    document.get_file_hash()  # as an upload through the admin sets it
    make_recording(recording_index, video=document)
    return document


def _get(url: str, user=None, **headers):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url, headers=headers)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_a_range_gets_206_with_those_bytes_and_their_headers(video):
    response = _get(video.url, Range="bytes=0-99")

    assert response.status_code == 206
    assert _body(response) == DATA[:100]
    assert response["Content-Length"] == "100"
    assert response["Content-Range"] == "bytes 0-99/1024"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"


def test_a_range_in_the_middle_of_the_file(video):
    response = _get(video.url, Range="bytes=300-555")

    assert response.status_code == 206
    assert _body(response) == DATA[300:556]
    assert response["Content-Range"] == "bytes 300-555/1024"


def test_an_open_ended_range_runs_to_the_end_of_the_file(video):
    response = _get(video.url, Range="bytes=100-")

    assert response.status_code == 206
    assert _body(response) == DATA[100:]
    assert response["Content-Length"] == "924"
    assert response["Content-Range"] == "bytes 100-1023/1024"


def test_a_suffix_range_gets_the_last_bytes(video):
    response = _get(video.url, Range="bytes=-50")

    assert response.status_code == 206
    assert _body(response) == DATA[-50:]
    assert response["Content-Range"] == "bytes 974-1023/1024"


def test_a_suffix_longer_than_the_file_gets_the_whole_file_as_a_range(video):
    response = _get(video.url, Range="bytes=-5000")

    assert response.status_code == 206
    assert _body(response) == DATA
    assert response["Content-Range"] == "bytes 0-1023/1024"


def test_a_range_ending_past_the_file_is_cut_at_its_end(video):
    response = _get(video.url, Range="bytes=1000-9999")

    assert response.status_code == 206
    assert _body(response) == DATA[1000:]
    assert response["Content-Range"] == "bytes 1000-1023/1024"


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_is_not_satisfiable(video, header):
    response = _get(video.url, Range=header)

    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"


@pytest.mark.parametrize(
    "header", ["bytes=0-1,5-6", "bytes=abc", "items=0-5", "bytes=50-10", "bytes=-"]
)
def test_several_or_malformed_ranges_get_the_whole_file(video, header):
    response = _get(video.url, Range=header)

    assert response.status_code == 200
    assert _body(response) == DATA


def test_without_a_range_the_whole_file_is_served_as_before(video):
    response = _get(video.url)

    assert response.status_code == 200
    assert _body(response) == DATA


def test_a_ranged_answer_keeps_the_headers_of_the_whole_file(video):
    whole = _get(video.url)
    part = _get(video.url, Range="bytes=0-9")

    for header in [
        "Content-Type",
        "Content-Disposition",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "ETag",
        "Last-Modified",
    ]:
        assert part[header] == whole[header], header
    assert part["Content-Security-Policy"] == "default-src 'none'"
    assert part["ETag"] == f'"{video.file_hash}"'


def test_the_whole_file_says_that_ranges_are_accepted(video):
    assert _get(video.url)["Accept-Ranges"] == "bytes"


def test_if_range_with_the_current_etag_gets_the_range(video):
    response = _get(video.url, Range="bytes=0-9", **{"If-Range": f'"{video.file_hash}"'})

    assert response.status_code == 206
    assert _body(response) == DATA[:10]


def test_if_range_with_another_etag_gets_the_whole_file(video):
    response = _get(video.url, Range="bytes=0-9", **{"If-Range": '"an-older-version"'})

    assert response.status_code == 200
    assert _body(response) == DATA


def test_if_range_with_the_last_modified_date_gets_the_range(video):
    last_modified = _get(video.url)["Last-Modified"]

    response = _get(video.url, Range="bytes=0-9", **{"If-Range": last_modified})

    assert response.status_code == 206
    assert _body(response) == DATA[:10]


def test_a_head_request_is_answered_as_for_the_whole_file(video):
    response = Client().head(video.url, headers={"Range": "bytes=0-9"})

    assert response.status_code == 200
    assert response["Content-Length"] == "1024"


def test_the_range_is_read_in_chunks_not_as_a_whole_file(video, monkeypatch):
    monkeypatch.setattr(byte_ranges, "CHUNK_SIZE", 64)

    response = _get(video.url, Range="bytes=10-300")

    assert response.streaming
    chunks = list(response.streaming_content)
    assert max(len(chunk) for chunk in chunks) <= 64
    assert b"".join(chunks) == DATA[10:301]


@pytest.mark.parametrize("header", ["bytes=0-9", "bytes=2000-"])
def test_a_ranged_answer_ends_the_request_once(video, header):
    """Closing the dropped whole-file response would fire ``request_finished`` early,
    which closes the database connection in the middle of the request."""
    finished = []

    def on_finished(**kwargs):
        finished.append(kwargs)

    request_finished.connect(on_finished)
    try:
        _body(_get(video.url, Range=header))
    finally:
        request_finished.disconnect(on_finished)

    assert len(finished) == 1


@pytest.fixture
def private_video(recording_index):
    video = make_document("Members' video", "members.webm", DATA)
    make_recording(recording_index, visibility=Visibility.MEMBERS, video=video)
    return video


@pytest.mark.parametrize("who", ["anonymous", "non_member", "lapsed_member"])
def test_a_range_of_a_members_only_video_is_refused_to_non_members(private_video, who, request):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = _get(private_video.url, user, Range="bytes=0-99")

    assert response.status_code == 403
    assert DATA[:100] not in _body(response)


def test_a_member_seeks_in_a_members_only_video(private_video, member):
    response = _get(private_video.url, member, Range="bytes=512-")

    assert response.status_code == 206
    assert _body(response) == DATA[512:]


def test_a_range_does_not_get_around_wagtails_collection_privacy(recording_index):
    root = Collection.get_first_root_node()
    private = root.add_child(name="Secretariat only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = make_document("Internal recording", "internal.webm", DATA)
    document.collection = private
    document.save()
    make_recording(recording_index, video=document)

    response = _get(document.url, Range="bytes=0-99")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-0", 10, (0, 0)),
        ("bytes=9-", 10, (9, 9)),
        ("BYTES = 2 - 4", 10, (2, 4)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=0-", 0, "416"),
        ("bytes=-3", 0, None),
        ("bytes=٣-4", 10, None),  # non-ASCII digits are not a range
        (None, 10, None),
    ],
)
def test_single_byte_range(header, size, expected):
    if expected == "416":
        with pytest.raises(byte_ranges.RangeNotSatisfiable):
            byte_ranges.single_byte_range(header, size)
    else:
        assert byte_ranges.single_byte_range(header, size) == expected
