"""A database that has only been migrated serves: the cache table comes with `migrate`."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

REGISTER_PAGES = """
from django.test import Client
from django.urls import reverse
client = Client(raise_request_exception=False)
for name in ("accreditation:register", "accreditation:register_firms"):
    print("STATUS", name, client.get(reverse(name)).status_code)
"""


# It migrates a SQLite file of its own whatever the suite runs on: the same test in the
# PostgreSQL pass of CI (.ci/run) would only repeat the SQLite pass's half minute.
pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="runs in the SQLite pass: it builds its own SQLite database either way",
)


def _manage(*args: str, database: Path) -> subprocess.CompletedProcess:
    # A fresh SQLite file and the database cache (no Redis), whatever the suite runs on.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_migrate_alone_creates_the_cache_table_and_the_register_pages_serve(tmp_path):
    database = tmp_path / "fresh.sqlite3"

    migrated = _manage("migrate", "--noinput", "-v", "0", database=database)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "lms_cache" in tables

    pages = _manage("shell", "-c", REGISTER_PAGES, database=database)
    assert pages.returncode == 0, pages.stdout + pages.stderr
    statuses = [line.split()[-1] for line in pages.stdout.splitlines() if line.startswith("STATUS")]
    assert statuses == ["200", "200"], pages.stdout + pages.stderr
