"""Helpers for the tests that race real threads against PostgreSQL row locks."""

import threading

import pytest
from django.db import connection, connections

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite locks the whole database file, so threads cannot race on rows; "
    "the constraint path is tested on SQLite separately.",
)


def run_concurrently(count: int, func):
    """Runs func in ``count`` threads released at the same moment, each with its own
    database connection; returns what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index):
        try:
            barrier.wait()
            results[index] = func()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
