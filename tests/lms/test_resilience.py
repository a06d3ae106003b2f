"""Outages of PostgreSQL and Redis: a 503 with Retry-After (an HTML page, JSON for the API and
page scripts), never a 500 with a traceback; with the cache down the site serves uncached,
logins are refused with a clear message and the other rate limits let people through.

The database is made unreachable at its boundary (the connection's cursor raises the error
the driver raises); the cache is a Redis address where nothing listens.
"""

from __future__ import annotations

import socket
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse

from lms import resilience
from lms.resilience import CacheUnavailable, TolerantRedisCache, database_unavailable
from lms.views import server_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "password123!"


def driver_error(error: Exception) -> OperationalError:
    """The error Django raises for ``error`` of the driver (wrapped, driver error as cause)."""
    try:
        raise error
    except Exception as cause:
        try:
            raise OperationalError(*cause.args) from cause
        except OperationalError as wrapped:
            return wrapped


@contextmanager
def failing_queries(error: Exception):
    """Every query fails with ``error`` of the driver until the block ends (the patch is
    undone here, before the test's own cleanup queries run)."""
    wrapper = connections["default"]

    def fail(*args, **kwargs):
        raise driver_error(error)

    wrapper.cursor = fail
    try:
        yield
    finally:
        del wrapper.cursor


@pytest.fixture
def database_down():
    """Every query fails as during a PostgreSQL restart."""
    with failing_queries(
        psycopg.errors.CannotConnectNow("FATAL: the database system is shutting down")
    ):
        yield


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture
def redis_down(settings):
    """The cache is Redis, and Redis does not answer (connection refused)."""
    location = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.resilience.TolerantRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    yield location
    resilience._Circuit.down_until.clear()


# --- The database ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: cannot connect
        (psycopg.errors.AdminShutdown("terminating connection"), True),  # 57P01
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.TooManyConnections("too many clients"), True),  # 53300
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),  # 40P01: a real error
        (psycopg.errors.QueryCanceled("statement timeout"), False),  # 57014
    ],
)
def test_only_errors_that_say_the_server_cannot_serve_count_as_an_outage(error, unavailable):
    assert database_unavailable(driver_error(error)) is unavailable


def test_a_closed_connection_is_an_outage_and_a_programming_error_is_not():
    from django.db import InterfaceError, ProgrammingError

    assert database_unavailable(InterfaceError("connection already closed"))
    assert not database_unavailable(ProgrammingError("relation does not exist"))
    assert not database_unavailable(RuntimeError("a bug"))


def assert_clean_503(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(resilience.RETRY_AFTER_SECONDS)
    body = response.content.decode()
    for leak in ("Traceback", "OperationalError", "psycopg", "shutting down"):
        assert leak not in body
    return body


def test_a_page_whose_view_cannot_reach_the_database_is_a_503_page(database_down):
    response = Client(raise_request_exception=False).get("/quizzes/some-quiz/")
    body = assert_clean_503(response)
    assert response["Content-Type"].startswith("text/html")
    assert "Back in a moment" in body
    assert "Nothing you saved is lost" in body


def test_a_signed_in_visitor_whose_session_cannot_be_loaded_gets_a_503_not_a_500():
    # The session is loaded before any view, by a middleware (who is signed in).
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    with failing_queries(psycopg.OperationalError("server closed the connection")):
        response = client.get(reverse("account_profile"))
    assert_clean_503(response)
    assert "Back in a moment" in response.content.decode()


def test_the_sites_500_handler_answers_an_outage_outside_a_view_with_a_503(rf):
    # e.g. saving the session after the view: only the site's handler500 sees that error
    try:
        raise driver_error(psycopg.errors.AdminShutdown("terminating connection"))
    except OperationalError:
        response = server_error(rf.post("/accounts/profile/"))
    assert_clean_503(response)


def test_the_sites_500_handler_keeps_other_errors_500s(rf):
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_api_answers_json_during_an_outage(database_down):
    response = Client(raise_request_exception=False).get("/api/v1/auditors")
    assert_clean_503(response)
    assert set(response.json()) == {"detail"}
    assert "try again" in response.json()["detail"]


def test_a_page_script_gets_json_with_the_error_it_shows(database_down):
    response = Client(raise_request_exception=False).get(
        "/quizzes/some-quiz/", headers={"X-Requested-With": "fetch"}
    )
    assert_clean_503(response)
    data = response.json()
    assert data["ok"] is False
    assert data["error"] == data["detail"]


def test_other_database_errors_stay_500s():
    with failing_queries(psycopg.errors.DeadlockDetected("deadlock detected")):
        response = Client(raise_request_exception=False).get("/quizzes/some-quiz/")
    assert response.status_code == 500
    assert "Retry-After" not in response


# --- The cache ------------------------------------------------------------------------------


def test_an_unreachable_redis_answers_like_an_empty_cache(redis_down):
    cache = TolerantRedisCache(redis_down, {})
    assert cache.get("key", "default") == "default"
    assert cache.set("key", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.add("lock", 1) is True  # a lock on a store that is down guards nothing
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    with pytest.raises(ValueError):
        cache.incr("counter")
    with pytest.raises(CacheUnavailable), resilience.cache_required():
        cache.get("key")


def test_after_a_failure_redis_is_not_asked_again_for_a_while(redis_down, monkeypatch):
    cache = TolerantRedisCache(redis_down, {"OPTIONS": {"DOWN_SECONDS": 60}})
    assert cache.get("key") is None
    asked = []
    monkeypatch.setattr(cache._cache, "get", lambda *args: asked.append(args))
    assert cache.get("key", "miss") == "miss"
    assert asked == []
    resilience._Circuit.down_until.clear()  # the window is over
    cache.get("key")
    assert len(asked) == 1


def test_the_register_is_served_from_the_database_while_redis_is_down(redis_down):
    response = Client().get(reverse("accreditation:register"))
    assert response.status_code == 200
    assert response["X-Register-Cache"] == "miss"


def test_login_is_refused_with_a_clear_message_while_the_rate_limit_store_is_down(redis_down):
    UserFactory(email="learner@example.org")
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "learner@example.org", "password": PASSWORD}
    )
    body = assert_clean_503(response)
    assert "Signing in is paused for a moment" in body
    assert "_auth_user_id" not in client.session


def test_login_works_again_once_the_rate_limit_store_is_back(redis_down, settings):
    UserFactory(email="learner@example.org")
    client = Client()
    client.post(reverse("account_login"), {"login": "learner@example.org", "password": PASSWORD})
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    response = client.post(
        reverse("account_login"), {"login": "learner@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_other_rate_limits_let_people_through_while_the_cache_is_down(redis_down):
    UserFactory(email="learner@example.org")
    response = Client().post(reverse("account_reset_password"), {"email": "learner@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_people_already_signed_in_carry_on_while_the_cache_is_down(redis_down):
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        reverse("account_profile"), {"full_name": "New Name", "preferred_language": "en"}
    )
    assert response.status_code == 302
