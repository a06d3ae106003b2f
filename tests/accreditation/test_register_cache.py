"""Register pages are cached for anonymous visitors and purged on every change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation import cache as register_cache
from accreditation import models, services
from tests.accreditation.factories import AccreditationFactory, AuditorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_cache(settings):
    """A cache outside the database, so that a cache hit is visibly free of queries."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "register-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def listed(db):
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Cached Carla"), scope=[("casthouse", "CN")]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/auditors/",
        "/auditors/?country=CN",
        "/auditors/export.csv",
        "/api/v1/auditors",
        "/api/v1/firms",
    ],
)
def test_second_anonymous_request_is_served_from_cache_without_db_queries(client, listed, url):
    first = client.get(url)
    first_body = b"".join(first.streaming_content) if first.streaming else first.content

    with CaptureQueriesContext(connection) as captured:
        second = client.get(url)

    assert first["X-Register-Cache"] == "miss"
    assert second["X-Register-Cache"] == "hit"
    assert second.content == first_body
    assert second["Content-Type"] == first["Content-Type"]
    assert captured.captured_queries == []


def test_suspended_auditor_is_gone_from_the_register_on_the_next_request(
    client, listed, staff_user, django_capture_on_commit_callbacks
):
    assert b"Cached Carla" in client.get("/auditors/").content
    assert client.get("/api/v1/auditors").json()["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_suspend(
            accreditation=listed, actor=staff_user, reason="Complaint under review"
        )

    page = client.get("/auditors/")
    assert page["X-Register-Cache"] == "miss"
    assert b"Cached Carla" not in page.content
    assert client.get("/api/v1/auditors").json()["count"] == 0
    # Issue #14: a consenting auditor who was listed gets "not currently accredited", not a 404.
    detail = client.get(f"/auditors/{listed.auditor.pk}/")
    assert detail.status_code == 200 and b"Not currently accredited" in detail.content


def test_editing_a_standard_version_purges_the_cache_after_commit(
    client, listed, django_capture_on_commit_callbacks
):
    client.get("/auditors/")
    version = listed.standard_version

    with django_capture_on_commit_callbacks(execute=True):
        version.save()

    assert client.get("/auditors/")["X-Register-Cache"] == "miss"


def test_a_direct_write_to_a_register_model_purges_the_cache_after_commit(
    client, listed, django_capture_on_commit_callbacks
):
    client.get("/auditors/")

    with django_capture_on_commit_callbacks(execute=True):
        models.ScopeStatusChange.objects.create(
            element=listed.scope.get(),
            status=models.ScopeStatus.WITHDRAWN,
            effective_from=listed.scope.get().valid_from,
        )

    response = client.get("/auditors/")
    assert response["X-Register-Cache"] == "miss"
    assert b"Cached Carla" not in response.content


def test_withdrawn_consent_removes_the_auditor_on_the_next_request(
    client, listed, django_capture_on_commit_callbacks
):
    client.get("/auditors/")

    with django_capture_on_commit_callbacks(execute=True):
        listed.auditor.listed_consent = False
        listed.auditor.save(update_fields=["listed_consent"])

    assert b"Cached Carla" not in client.get("/auditors/").content


def test_a_sign_in_does_not_purge_the_register(client, listed, django_capture_on_commit_callbacks):
    client.get("/auditors/")
    generation = register_cache.generation()

    with django_capture_on_commit_callbacks(execute=True):
        user = listed.auditor.user
        user.save(update_fields=["last_login"])

    assert register_cache.generation() == generation


def test_signed_in_visitors_are_not_served_or_stored_from_the_cache(client, listed, member):
    client.force_login(member)

    first = client.get("/auditors/")
    second = client.get("/auditors/")

    assert "X-Register-Cache" not in first and "X-Register-Cache" not in second


def test_cache_keys_differ_by_query_string(client, listed):
    client.get("/auditors/?country=CN")

    assert client.get("/auditors/?country=DE")["X-Register-Cache"] == "miss"
    assert client.get("/auditors/?country=CN")["X-Register-Cache"] == "hit"


def test_error_responses_are_not_cached(client, listed):
    client.get("/auditors/?country=XX")

    assert client.get("/auditors/?country=XX").status_code == 400
    assert "X-Register-Cache" not in client.get("/auditors/?country=XX")
