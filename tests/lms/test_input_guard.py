"""Malformed input is refused with a 400 (JSON under /api/) before any view sees it."""

import json

import pytest
from django.test import Client

from lms.input_guard import MAX_QUERY_STRING_LENGTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        "/auditors/?q=a%00b",
        "/auditors/?standard=%00",
        "/auditors/export.csv?sector=%00",
        "/search/?q=%00",
        "/courses/?%00=1",
        "/courses/nul%00slug/",
        "/media/documents/%00",
    ],
)
def test_a_nul_byte_in_the_address_or_query_string_is_a_400_page(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert b"NUL character" in response.content
    assert response["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url", ["/api/v1/auditors?q=%00", "/api/v1/firms?sector=%00", "/api/v1/eligibility?on=%00"]
)
def test_a_nul_byte_in_an_api_query_is_a_json_400(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_nul_byte_in_a_form_field_is_a_400(client, user):
    client.force_login(user)

    response = client.post("/accounts/email/", {"email": "a\x00@example.org", "action_add": ""})

    assert response.status_code == 400


def test_a_nul_byte_in_a_multipart_form_field_is_a_400(client, user):
    client.force_login(user)

    response = client.post("/accreditation/profile/", {"bio": "x\x00y"})  # multipart

    assert response.status_code == 400


@pytest.mark.parametrize("body", [b'{"id": "evt_\\u0000"}', b'{"id": "evt_\x00"}'])
def test_a_nul_character_in_a_json_body_is_a_400(client, body):
    response = client.post("/payments/stripe/webhook/", body, content_type="application/json")

    assert response.status_code == 400


def test_an_escaped_backslash_before_u0000_in_json_is_not_a_nul(client):
    """``"\\\\u0000"`` in JSON is a backslash followed by "u0000": legitimate text."""
    body = json.dumps({"id": "evt_\\u0000"}).encode()
    assert b"\\\\u0000" in body

    response = client.post("/payments/stripe/webhook/", body, content_type="application/json")

    assert response.status_code == 400
    assert b"invalid signature" in response.content  # reached the view, which refused it


def test_a_nul_byte_in_a_cookie_is_a_400(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijk"

    assert client.get("/courses/").status_code == 400


def test_a_query_string_over_the_limit_is_a_400_and_one_at_the_limit_is_served(client):
    at_limit = "q=" + "a" * (MAX_QUERY_STRING_LENGTH - 2)

    assert client.get("/search/?" + at_limit).status_code == 200
    assert client.get("/search/?" + at_limit + "a").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/" + "9" * 30 + ".ics",
        "/learning-progress/" + "9" * 30 + "/complete/",
        "/auditors/" + "9" * 30 + "/",
        "/quizzes/attempt/" + "9" * 25 + "/",
    ],
)
def test_an_id_no_database_column_can_hold_is_a_404(client, user, url):
    client.force_login(user)

    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


def test_a_multipart_post_to_a_view_that_reads_the_raw_body_still_reaches_it(client):
    """Views exempt from CSRF (the Stripe webhook) read the raw body themselves; the guard
    leaves their multipart bodies unparsed."""
    response = client.post("/payments/stripe/webhook/", {"id": "evt_1"})

    assert response.status_code == 400
    assert b"invalid signature" in response.content


def test_a_non_numeric_id_in_an_admin_chooser_query_is_a_400(staff_client):
    staff_client.raise_request_exception = False

    response = staff_client.get("/admin/images/chooser/chosen-multiple/", {"id": ["1", "abc"]})

    assert response.status_code == 400


def test_a_non_numeric_id_in_an_admin_chooser_address_is_a_404(staff_client):
    staff_client.raise_request_exception = False

    assert staff_client.get("/admin/images/chooser/chosen/abc/").status_code == 404


def test_deleting_a_record_still_in_use_is_a_409_and_deletes_nothing(staff_client):
    from accreditation.models import Sector, Standard

    staff_client.raise_request_exception = False
    standard = Standard.objects.get(code="PS")
    sectors = Sector.objects.filter(standard=standard).count()

    response = staff_client.post(f"/admin/accreditation/standards/delete/{standard.pk}/")

    assert response.status_code == 409
    assert b"still refer to it" in response.content
    assert Sector.objects.filter(standard=standard).count() == sectors > 0


def test_a_number_error_about_a_value_the_request_did_not_carry_stays_a_server_error(rf):
    from django.urls import resolve

    from lms.input_guard import RejectMalformedInputMiddleware

    request = rf.get("/courses/", {"q": "abc"})
    request.resolver_match = resolve("/courses/")
    guard = RejectMalformedInputMiddleware(lambda request: None)

    ours = ValueError("Field 'id' expected a number but got 'computed-elsewhere'.")
    theirs = ValueError("Field 'id' expected a number but got 'abc'.")

    assert guard.process_exception(request, ours) is None
    assert guard.process_exception(request, ValueError("something else")) is None
    assert guard.process_exception(request, theirs).status_code == 400
