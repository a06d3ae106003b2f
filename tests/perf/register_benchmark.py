"""Benchmark of the public register at scale (not collected by pytest).

Builds registers of increasing size in a test database (rolled back afterwards), then
times each register page and counts its queries. Prints, per page, the queries (which must
not grow) and the time ratio between the largest and the smallest register.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_perf \\
        .venv/bin/python tests/perf/register_benchmark.py [--sizes 100,1000,5000] [--explain]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

URLS = [
    "/auditors/",
    "/auditors/?page=40",
    "/auditors/?standard=PS&sector=casthouse&country=CN",
    "/auditors/firms/",
    "/auditors/export.csv",
    "/api/v1/auditors?country=DE",
    "/api/v1/firms",
]


VERBOSE = False


class Rollback(Exception):
    pass


def measure(client: Client, url: str) -> tuple[int, float]:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    if VERBOSE:
        for query in captured.captured_queries:
            print(f"    {float(query['time']) * 1000:8.1f} ms  {query['sql'][:150]}")
    return len(captured.captured_queries), elapsed


def run_size(size: int, explain: bool) -> dict[str, tuple[int, float]]:
    from accreditation import models, register
    from tests.accreditation.factories import DEFAULT_FROM
    from tests.accreditation.register_helpers import COUNTRIES, SECTORS, bulk_register

    results: dict[str, tuple[int, float]] = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            bulk_register(size, firms=8, prefix=f"perf{size}x")
            sectors = models.Sector.objects.filter(standard__code="PS", slug__in=SECTORS)
            models.FirmScopeElement.objects.bulk_create(
                models.FirmScopeElement(
                    firm=firm, sector=sector, country=country, valid_from=DEFAULT_FROM
                )
                for firm in models.AuditFirm.objects.all()
                for sector in sectors
                for country in COUNTRIES
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"  built {size} auditors in {time.perf_counter() - started:.1f}s")
            if explain:
                qs = register.listed_auditors(register.RegisterFilter())
                print(qs.explain(analyze=connection.vendor == "postgresql"))
                print(
                    register.matching_elements(register.RegisterFilter()).explain(
                        analyze=connection.vendor == "postgresql"
                    )
                )
            client = Client()
            for url in URLS:
                results[url] = measure(client, url)
            raise Rollback
    except Rollback:
        pass
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,5000")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="time every query")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    sizes = [int(s) for s in args.sizes.split(",")]

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    setup_test_environment()
    settings.DEBUG = False
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    table = {size: run_size(size, args.explain) for size in sizes}
    smallest, largest = sizes[0], sizes[-1]
    print(f"\n{'page':55} {'queries':>14} {'ms':>16} {'time ratio':>11}")
    for url in URLS:
        q_small, t_small = table[smallest][url]
        q_large, t_large = table[largest][url]
        print(
            f"{url:55} {q_small:>6} -> {q_large:<6}"
            f" {t_small * 1000:>6.0f} -> {t_large * 1000:<7.0f} {t_large / t_small:>9.1f}x"
        )
    print(f"\nauditors: {smallest} -> {largest} ({largest / smallest:.0f}x)")


if __name__ == "__main__":
    main()
