"""/verify/ without a code: a box to type one, which leads to /verify/<code>/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.models import Certificate
from tests.courses.factories import finish_course

pytestmark = pytest.mark.django_db

ENTER_CODE = "Enter the code printed on the certificate."
NOT_A_CODE = "This is not a certificate code"


def test_verify_without_a_code_offers_a_box_that_sends_by_get(client):
    response = client.get("/verify/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get" action="/verify/"' in html
    assert 'name="code"' in html and "<label" in html and "Certificate code" in html
    assert response["X-Robots-Tag"] == "noindex"
    assert reverse("courses:verify_lookup") == "/verify/"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("AbC-123_xyz", "AbC-123_xyz"),
        ("  AbC-123_xyz \t", "AbC-123_xyz"),
        ("https://learning.example.org/verify/AbC-123_xyz/", "AbC-123_xyz"),
        ("learning.example.org/fr/verify/AbC-123_xyz?utm=x", "AbC-123_xyz"),
        ("/verify/AbC-123_xyz", "AbC-123_xyz"),
    ],
)
def test_a_code_or_a_pasted_link_goes_to_its_verification_page(client, typed, code):
    response = client.get("/verify/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{code}/"


def test_a_real_certificate_code_typed_in_the_box_shows_the_certificate(
    client, user, course, lessons, quiz_passes
):
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()

    response = client.get("/verify/", {"code": certificate.code}, follow=True)

    assert response.redirect_chain == [(f"/verify/{certificate.code}/", 302)]
    assert response.status_code == 200
    assert user.full_name in response.content.decode()


def test_an_accreditation_code_typed_in_the_box_shows_the_accreditation(client):
    from tests.accreditation.factories import AccreditationFactory, AuditorFactory

    accreditation = AccreditationFactory(auditor=AuditorFactory(user__full_name="Vera Box"))

    response = client.get("/verify/", {"code": accreditation.code}, follow=True)

    assert response.status_code == 200 and "Vera Box" in response.content.decode()


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_a_blank_code_is_shown_again_with_a_clear_error(client, typed):
    response = client.get("/verify/", {"code": typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert ENTER_CODE in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "code with spaces",
        "ünï\u202ecode-中文-😀",
        "a" * 65,
        "https://evil.example/verify/",
        "a" * 5_000,
        "abc%2F..%2F",
    ],
)
def test_hostile_input_is_a_400_with_an_error_never_a_500(client, typed):
    response = client.get("/verify/", {"code": typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert response.context["form"].errors["code"]
    assert 'class="error"' in html


def test_a_code_too_long_says_why(client):
    long = client.get("/verify/", {"code": "a" * 65}).context["form"].errors["code"]
    very_long = client.get("/verify/", {"code": "a" * 301}).context["form"].errors["code"]

    assert any(NOT_A_CODE in message for message in long)
    assert any("at most 300 characters" in message for message in very_long)


@pytest.mark.parametrize("typed", ["x\x00y", "a" * 50_000])
def test_a_nul_or_a_huge_code_is_refused_by_the_site_wide_guard_with_a_400(client, typed):
    assert client.get("/verify/", {"code": typed}).status_code == 400


def test_the_verify_box_answers_only_get_and_head(client):
    assert client.post("/verify/", {"code": "abc"}).status_code == 405
    assert client.head("/verify/").status_code == 200


def test_the_unknown_code_page_offers_the_box_again(client):
    response = client.get("/verify/no-such-code/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no certificate with this code" in html
    assert '<form method="get" action="/verify/"' in html and 'name="code"' in html


def test_the_box_writes_nothing(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_reads_never_write import writes_of

    for params in ({}, {"code": "abc"}, {"code": ""}, {"code": "<b>"}):
        with CaptureQueriesContext(connection) as captured:
            client.get("/verify/", params)
        assert writes_of(captured.captured_queries) == []
