"""No open redirect: every redirect target taken from the request stays on this site.

Three layers: ``lms.redirects.safe_next`` refuses every off-site spelling; every function of
ours that reads a target (``next``, ``back``, ``redirect_to``, a referrer) from the request
also checks it (found by reading the source, so a new one cannot slip in unchecked); and
every URL of the site, asked with hostile ``next``/``back`` values by an anonymous visitor
and by a signed-in member, never answers with a redirect off the site.
"""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client, RequestFactory
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.http import url_has_allowed_host_and_scheme

from lms.redirects import is_safe_redirect, safe_next
from tests.factories import MemberFactory

HOSTS = {"testserver", "localhost", "127.0.0.1"}
REPO = Path(__file__).resolve().parent.parent
OUR_APPS = ("lms", "courses", "accreditation", "cms")

HOSTILE = [
    "https://evil.example/phish",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "https:/evil.example",
    "HTTPS://EVIL.EXAMPLE/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\x00//evil.example",
    "\x1b//evil.example",
    "\u200b//evil.example",
    "http://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "https://evil.example#@testserver",
    "ftp://evil.example/",
]

SAFE = [
    "/payments/basket/",
    "/auditors/?country=CN&page=2",
    "http://testserver/courses/",
    "courses/",
]


def _request(secure: bool = False):
    return RequestFactory().get("/", secure=secure)


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_refuses_every_target_off_this_site(target):
    assert safe_next(_request(), target, "/home/") == "/home/"
    assert safe_next(_request(secure=True), target, "/home/") == "/home/"


@pytest.mark.parametrize("target", SAFE)
def test_safe_next_keeps_targets_on_this_site(target):
    assert safe_next(_request(), target, "/home/") == target


@pytest.mark.parametrize("target", [None, "", 7, "/" + "a" * 3000])
def test_safe_next_falls_back_on_missing_or_oversized_targets(target):
    assert safe_next(_request(), target, "/home/") == "/home/"


def test_safe_next_resolves_a_url_name_as_fallback():
    assert safe_next(_request(), "//evil.example", "payments:basket") == "/payments/basket/"


def test_safe_next_on_https_refuses_a_plain_http_target_on_the_same_host():
    assert not is_safe_redirect(_request(secure=True), "http://testserver/courses/")
    assert is_safe_redirect(_request(secure=True), "https://testserver/courses/")


def test_safe_next_never_trusts_the_allowed_hosts_wildcard(settings):
    settings.ALLOWED_HOSTS = ["*"]
    assert not is_safe_redirect(_request(), "https://evil.example/")


# --- The basket: the hole that was found -----------------------------------------------


@pytest.fixture
def member_client(db) -> Client:
    client = Client()
    client.force_login(MemberFactory())
    return client


@pytest.fixture
def exam_item(db):
    from tests.payments.factories import ExamItemFactory

    return ExamItemFactory(price=(15000, None), name="Exam sitting")


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_basket_add_with_a_bad_quantity_never_sends_anyone_off_site(
    member_client, exam_item, target
):
    response = member_client.post(
        "/payments/basket/add/", {"item": exam_item.pk, "quantity": "x", "back": target}
    )

    if response.status_code != 400:  # NUL bytes are refused outright, before the view
        assert response.status_code == 302
        assert response["Location"] == "/payments/basket/"


@pytest.mark.django_db
def test_basket_add_goes_back_to_a_page_of_this_site(member_client, exam_item):
    response = member_client.post(
        "/payments/basket/add/",
        {
            "item": exam_item.pk,
            "quantity": "x",
            "back": f"/payments/buy/exam/{exam_item.quiz.slug}/",
        },
    )

    assert response["Location"] == f"/payments/buy/exam/{exam_item.quiz.slug}/"


@pytest.mark.django_db
@pytest.mark.parametrize("item", ["abc", "", "9" * 30, "-1", "1.5", "1\x00"])
def test_basket_add_with_a_malformed_item_is_a_client_error(member_client, item):
    client = Client(raise_request_exception=False)
    client.cookies = member_client.cookies

    response = client.post("/payments/basket/add/", {"item": item})

    assert response.status_code in (400, 404)


# --- Every reader of a redirect target checks it ----------------------------------------

READS_TARGET = re.compile(
    r"""(?x)
    (?:GET|POST|params|query_params|data)\s*(?:\.get\(\s*|\[\s*)["'](?:next|back|redirect_to|
        redirect|return_to|return_url|came_from|success_url|continue)["']
    | HTTP_REFERER
    | headers(?:\.get\(\s*|\[\s*)["']Referer["']
    | REDIRECT_FIELD_NAME
    """
)
CHECKS_TARGET = re.compile(
    r"safe_next\(|is_safe_redirect\(|url_has_allowed_host_and_scheme\(|get_next_redirect_url\("
)


def _functions_reading_a_target():
    """(file, function, checks it) for every function or method of our apps whose own body
    reads a redirect target from the request."""
    found = []
    for app in OUR_APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            if not READS_TARGET.search(source):
                continue
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    body = ast.get_source_segment(source, node) or ""
                    if READS_TARGET.search(body):
                        where = f"{path.relative_to(REPO)}::{node.name}"
                        found.append((where, bool(CHECKS_TARGET.search(body))))
    return found


def test_the_source_scan_finds_the_basket_view():
    """The scan below is not vacuous: it sees the one view known to take ``back``."""
    assert ("courses/payments/views.py::basket_add", True) in _functions_reading_a_target()


def test_every_function_that_reads_a_redirect_target_from_the_request_checks_it():
    unchecked = [where for where, checked in _functions_reading_a_target() if not checked]

    assert unchecked == [], (
        "These read next/back/a referrer from the request without lms.redirects.safe_next: "
        f"{unchecked}"
    )


# --- Every URL, asked with hostile targets -------------------------------------------------

SAMPLE = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}
WALK_TARGETS = ["https://evil.example/phish", "//evil.example", "/\\evil.example"]
TARGET_NAMES = ("next", "back", "redirect_to", "return_to", "return_url", "success_url", "continue")
# Regex routes with groups, written out: the page tree, documents, e-mail and password keys.
EXTRA_PATHS = {
    "/",
    "/learning/",
    "/documents/1/x.pdf",
    "/accounts/confirm-email/x/",
    "/accounts/password/reset/key/1-x/",
    "/fr/accounts/login/",  # sign-in moves its redirect into the person's language
}


def _routes(patterns, prefix: str = ""):
    """A concrete path for every route pattern (``<int:pk>`` -> 1, ...); regex patterns with
    groups (Wagtail's page catch-all) are left out, the page tree is reached through ``/``."""
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            route = re.sub(
                r"<(?:(\w+):)?\w+>",
                lambda m: SAMPLE.get(m.group(1) or "str", "1"),
                pattern._route,
            )
        elif isinstance(pattern, LocalePrefixPattern):
            route = pattern.language_prefix  # the site's pages: "" in English (lms/urls.py)
        else:
            regex = pattern._regex
            if "(" in regex:
                continue
            route = regex.lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _site_paths() -> list[str]:
    paths = {"/" + route for route in _routes(get_resolver().url_patterns)}
    # The Wagtail admin is Wagtail's; its login door is ours (and tried here).
    keep = {p for p in paths if not p.startswith("/admin/")} | {"/admin/login/", "/admin/"}
    keep |= EXTRA_PATHS
    return sorted(keep)


def _off_site(location: str) -> bool:
    if any(ch.isspace() or ord(ch) < 32 for ch in location):
        return True
    parts = urlsplit(location)
    if location.startswith(("//", "/\\", "\\")) or parts.scheme not in ("", "http", "https"):
        return True
    if parts.netloc and parts.hostname not in HOSTS:
        return True
    for name, value in parse_qsl(parts.query):
        if name in TARGET_NAMES and not url_has_allowed_host_and_scheme(value, HOSTS):
            return True  # sent on to another page that would be asked to redirect off site
    return False


def test_the_url_walk_covers_the_sites_own_pages():
    paths = _site_paths()
    assert "/payments/basket/add/" in paths
    assert "/accounts/login/" in paths
    assert "/auditors/" in paths
    assert len(paths) > 40


@pytest.mark.django_db
def test_no_url_of_the_site_redirects_off_site_when_given_hostile_next_or_back():
    member = MemberFactory()
    offenders = []
    for path in _site_paths():
        for signed_in in (False, True):
            client = Client(raise_request_exception=False)
            if signed_in:
                client.force_login(member)
            for target in WALK_TARGETS:
                params = dict.fromkeys(TARGET_NAMES, target)
                for method in ("get", "post"):
                    response = getattr(client, method)(path, params, HTTP_REFERER=target)
                    location = response.get("Location")
                    if 300 <= response.status_code < 400 and location and _off_site(location):
                        offenders.append((method.upper(), path, signed_in, target, location))
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_with_a_hostile_next_lands_on_this_site(target):
    member = MemberFactory()
    client = Client(raise_request_exception=False, REMOTE_ADDR=f"203.0.113.{len(target)}")

    response = client.post(
        "/accounts/login/", {"login": member.email, "password": "password123!", "next": target}
    )

    assert response.status_code in (200, 302, 303, 400)
    if response.status_code in (302, 303):
        assert not _off_site(response["Location"]), response["Location"]
