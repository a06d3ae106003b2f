"""Health checks: ``/healthz`` says the process is alive without asking the database or the
cache; ``/readyz`` asks both and says which one failed (503), for a load balancer."""

from __future__ import annotations

import psycopg
import pytest
from django.test import Client

from tests.lms.test_resilience import failing_queries, redis_down  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_the_database_or_the_cache(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_stays_ok_while_the_database_is_down():
    with failing_queries(psycopg.errors.AdminShutdown("terminating connection")):
        response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 200


def test_ready_when_the_database_and_the_cache_answer():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_while_the_database_is_down_and_the_answer_says_so():
    with failing_queries(psycopg.OperationalError("connection refused")):
        response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "unavailable"
    assert data["checks"]["database"] == "unavailable"


def test_not_ready_while_redis_is_down_and_the_answer_says_so(redis_down):  # noqa: F811
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "unavailable"},
    }
