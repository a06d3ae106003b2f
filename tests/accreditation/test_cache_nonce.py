"""Pages replayed from the register cache keep working scripts and carry nobody's data.

Every response gets a fresh CSP nonce from django-csp; a page served from the cache must
name, in every ``nonce`` attribute, the nonce of the response it is served in (else the
browser blocks its inline scripts), load other scripts only from this site, and be a page
any anonymous visitor would see: no CSRF token, no cookie, no flash message, no user name.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from accreditation.cache import cached_register_view
from lms.urls import urlpatterns as site_urlpatterns
from tests.accreditation.factories import AccreditationFactory, AuditorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _render(request, source: str) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(source).render({}, request))


@cached_register_view
def page_with_inline_script(request):
    return _render(
        request,
        '{% extends "base.html" %}{% block content %}<h1>Nonce page</h1>{% endblock %}'
        '{% block extra_js %}<script nonce="{{ request.csp_nonce }}">document.title = "ok";'
        "</script>{% endblock %}",
    )


@cached_register_view
def page_with_csrf_token(request):
    return _render(request, '<form method="post">{% csrf_token %}</form>')


@cached_register_view
def page_with_a_flash_message(request):
    messages.info(request, "Only for the first visitor")
    return _render(request, '{% extends "base.html" %}')


urlpatterns = [
    path("test-cache/nonce/", page_with_inline_script),
    path("test-cache/csrf/", page_with_csrf_token),
    path("test-cache/message/", page_with_a_flash_message),
    *site_urlpatterns,
]


@pytest.fixture(autouse=True)
def locmem_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cache-nonce-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def listed(db):
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Listed Lisa"), scope=[("casthouse", "CN")]
    )


class _Scripts(HTMLParser):
    """Collects every nonce attribute, every script tag and every inline event handler."""

    def __init__(self):
        super().__init__()
        self.nonces: list[str] = []
        self.scripts: list[dict] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "nonce" in attributes:
            self.nonces.append(attributes["nonce"] or "")
        if tag == "script":
            self.scripts.append(attributes)
        self.handlers += [name for name, _value in attrs if name.startswith("on")]


def _header_nonces(response) -> set[str]:
    return set(re.findall(r"'nonce-([^']+)'", response.get("Content-Security-Policy", "")))


def assert_scripts_run(response):
    """Every script of the page may run under the response's own Content-Security-Policy."""
    html = _Scripts()
    html.feed(response.content.decode())
    header_nonces = _header_nonces(response)
    assert "Content-Security-Policy" in response
    for nonce in html.nonces:
        assert nonce in header_nonces, (nonce, response["Content-Security-Policy"])
    for script in html.scripts:
        if "nonce" not in script:
            source = script.get("src") or ""
            assert source.startswith("/") and not source.startswith("//"), script
    assert html.handlers == []


@pytest.mark.parametrize(
    "url",
    ["/auditors/", "/auditors/firms/", "/test-cache/nonce/"],
)
def test_a_page_served_from_the_cache_has_nonces_matching_its_own_csp_header(client, listed, url):
    first = client.get(url)
    second = client.get(url)

    assert first["X-Register-Cache"] == "miss"
    assert second["X-Register-Cache"] == "hit"
    assert_scripts_run(first)
    assert_scripts_run(second)


def test_each_replay_of_a_page_with_an_inline_script_gets_a_fresh_nonce(client):
    responses = [client.get("/test-cache/nonce/") for _ in range(3)]

    nonces = [_header_nonces(response) for response in responses]
    assert all(len(found) == 1 for found in nonces)
    assert len({next(iter(found)) for found in nonces}) == 3
    for response, found in zip(responses, nonces, strict=True):
        assert f'<script nonce="{next(iter(found))}">' in response.content.decode()


def test_a_page_showing_a_csrf_token_is_never_stored(client):
    first = client.get("/test-cache/csrf/")
    second = client.get("/test-cache/csrf/")

    assert "X-Register-Cache" not in first and "X-Register-Cache" not in second
    assert first.cookies and second.cookies  # each visitor gets a CSRF cookie of their own


def test_a_page_showing_a_flash_message_is_never_served_to_the_next_visitor(client):
    client.get("/test-cache/message/")

    client.cookies.clear()
    second = client.get("/test-cache/message/")
    client.cookies.clear()
    third = client.get("/test-cache/message/")

    assert "X-Register-Cache" not in second and "X-Register-Cache" not in third


def test_a_cached_page_sets_no_cookie_and_varies_on_cookie(client, listed):
    client.get("/auditors/")
    hit = client.get("/auditors/")

    assert hit["X-Register-Cache"] == "hit"
    assert not hit.cookies
    assert "Cookie" in hit["Vary"]
    assert "csrfmiddlewaretoken" not in hit.content.decode()


def test_a_signed_in_visitor_neither_fills_nor_gets_the_cached_page(client, listed, member):
    from django.test import Client

    member.full_name = "Signed-in Sam"
    member.save(update_fields=["full_name"])
    signed_in = Client()
    signed_in.force_login(member)

    own = signed_in.get("/auditors/")
    anonymous_first = client.get("/auditors/")
    anonymous_second = client.get("/auditors/")
    own_again = signed_in.get("/auditors/")

    assert "X-Register-Cache" not in own and "X-Register-Cache" not in own_again
    assert anonymous_first["X-Register-Cache"] == "miss"
    assert anonymous_second["X-Register-Cache"] == "hit"
    assert b"Signed-in" not in anonymous_first.content
    assert b"Signed-in" not in anonymous_second.content
    assert b"Signed-in" in own_again.content
