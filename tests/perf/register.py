"""Register benchmark: the public register at scale against gunicorn, each page as a ratio
to a bare view measured in the same run (not collected by pytest).

    .venv/bin/python -m tests.perf.register [--auditors 10000] [--seconds 20]

The site: production settings (``tests/perf/settings.py``) on its own PostgreSQL database
(``--database``, default ``perf_register``, rebuilt with the demo content unless ``--reuse``)
and Redis database 11 (the register cache), gunicorn with sync workers (``2 x cores + 1``).

1. The register: ``--auditors`` auditors across ``--countries`` countries and every sector of
   both standards (about five scope elements each), written as a CSV file and loaded with
   ``manage.py import_register``, timed (rows per second; target: 10,000 rows in under a
   minute). The importer refreshes the register's read model once, at the end.
2. The pages, one after the other, each for ``--seconds`` at ``--concurrency`` connections,
   alternating in ``--rounds`` rounds with the bare view (``/perf/bare/``: a fixed response
   through the same middleware), so that both see the same machine:
   the register list (anonymous, cached), the same with the cache bypassed (a query
   parameter no other request uses, so every request misses), a filtered page (bypassed
   too), ``/api/v1/auditors`` cached and bypassed, ``/api/v1/eligibility``, ``/data/`` (if
   the site has it) and a learning-module page.

Printed: requests per second and p50/p95/p99 per page, each page's throughput as a ratio to
the bare view's, p99/p50, the peak resident memory of each gunicorn worker (target <= 200 MB).
Targets: cached register >= 0.70 of the bare view, uncached >= 0.08, p99/p50 <= 3 at 16
connections. The last line is ``RATIOS cached=<x> uncached=<y> ...``.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.perf._server import Gunicorn, Site, cores, default_workers, percentile

TARGETS = {"cached": 0.70, "uncached": 0.08}
P99_P50_TARGET = 3.0


# --- The register's data -----------------------------------------------------------------


def register_csv(auditors: int, countries: int, run: str) -> tuple[str, int]:
    """(CSV text for ``import_register``, number of scope elements): auditors spread over
    firms, every sector of both standards, ``countries`` countries; a few suspended or not
    consenting, as a real register has."""
    from django_countries import countries as all_countries

    from accreditation.models import Sector

    codes = [code for code, _name in all_countries][:countries]
    sectors = {
        standard: sorted(
            Sector.objects.filter(standard__code=standard).values_list("slug", flat=True)
        )
        for standard in ("PS", "CoC")
    }
    firms = max(10, auditors // 60)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "firm",
            "firm_country",
            "auditor_name",
            "auditor_email",
            "standard",
            "sectors",
            "countries",
            "valid_from",
            "valid_until",
            "status",
            "listed",
        ]
    )
    elements = 0
    for i in range(auditors):
        standard = "PS" if i % 3 else "CoC"
        vocabulary = sectors[standard]
        picked_sectors = [vocabulary[(i + k) % len(vocabulary)] for k in range(1 + i % 2)]
        picked_countries = sorted({codes[(i * 7 + k * 13) % len(codes)] for k in range(2 + i % 2)})
        elements += len(picked_sectors) * len(picked_countries)
        writer.writerow(
            [
                f"Perf Firm {i % firms:03d}",
                codes[i % firms % len(codes)],
                f"Perf Auditor {run} {i:05d}",
                f"perf-{run}-{i}@example.org",
                standard,
                ";".join(picked_sectors),
                ";".join(picked_countries),
                "2024-01-01",
                "2030-12-31",
                "suspended" if i % 50 == 0 else "active",
                "no" if i % 20 == 0 else "yes",
            ]
        )
    return out.getvalue(), elements


# --- Load --------------------------------------------------------------------------------


@dataclass
class Measure:
    """What one page got over all its rounds."""

    name: str
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self, bare_rps: float | None = None) -> str:
        p50 = percentile(self.latencies, 50) * 1000
        p95 = percentile(self.latencies, 95) * 1000
        p99 = percentile(self.latencies, 99) * 1000
        text = (
            f"{self.name:22} {self.rps:8.1f} req/s  p50={p50:8.1f} ms  p95={p95:8.1f} ms"
            f"  p99={p99:8.1f} ms  p99/p50={p99 / p50 if p50 else float('nan'):5.2f}"
        )
        if bare_rps:
            text += f"  ratio={self.rps / bare_rps:5.2f}"
        if self.errors:
            text += f"  errors={self.errors}"
        return text


def hammer(base_url: str, paths, seconds: float, concurrency: int, measure: Measure) -> None:
    """``concurrency`` keep-alive connections asking for ``paths()`` for ``seconds``."""
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {"X-Forwarded-Proto": "https", "User-Agent": "lms-perf"}

    def worker() -> None:
        session = requests.Session()
        session.headers.update(headers)
        while time.monotonic() < stop_at:
            url = base_url + paths()
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=120, allow_redirects=False)
                outcome = "ok" if response.status_code == 200 else str(response.status_code)
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                measure.requests += 1
                measure.latencies.append(elapsed)
                if outcome != "ok":
                    measure.errors[outcome] = measure.errors.get(outcome, 0) + 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measure.seconds += time.monotonic() - started


def fixed(path: str):
    return lambda: path


def bypassed(path: str):
    """Every request another query string: the register cache never answers it."""
    counter = itertools.count()
    lock = threading.Lock()
    separator = "&" if "?" in path else "?"

    def next_path() -> str:
        with lock:
            n = next(counter)
        return f"{path}{separator}nocache={n}"

    return next_path


# --- The run -----------------------------------------------------------------------------


def pages(site_url: str) -> list[tuple[str, object]]:
    """The pages measured: (name, path maker). Pages the site does not have are left out."""
    from accreditation.models import RegisterCoverage

    coverage = RegisterCoverage.objects.select_related("sector", "standard").first()
    found = [
        ("cached", fixed("/auditors/")),
        ("uncached", bypassed("/auditors/")),
        ("filtered", bypassed(f"/auditors/?standard=PS&country={coverage.country}")),
        ("api_cached", fixed("/api/v1/auditors")),
        ("api_uncached", bypassed("/api/v1/auditors")),
        (
            "eligibility",
            fixed(
                f"/api/v1/eligibility?auditor={coverage.entry_id}&standard="
                f"{coverage.standard.code}&sector={coverage.sector.slug}"
                f"&country={coverage.country}"
            ),
        ),
        ("data", fixed("/data/")),
    ]
    try:
        from cms.models import LearningModulePage

        module = next((p for p in LearningModulePage.objects.live().public() if p.url), None)
        if module is not None:
            found.append(("module", fixed(module.url)))
    except ImportError:
        pass
    kept = []
    headers = {"X-Forwarded-Proto": "https"}
    for name, path in found:
        status = requests.get(site_url + path(), headers=headers, timeout=300).status_code
        if status == 200:
            kept.append((name, path))
        else:
            print(f"  {name}: {path()} answers {status}; left out", flush=True)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--auditors", type=int, default=10000)
    parser.add_argument("--countries", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load per page")
    parser.add_argument("--rounds", type=int, default=2, help="page/bare alternations")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--database", default="perf_register")
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    args = parser.parse_args()

    site = Site(args.database, args.redis_db, Path(f"/tmp/perf-{args.database}"))
    began = time.monotonic()
    print(f"machine: {cores()} cores; gunicorn sync workers: {args.workers}", flush=True)
    listing = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-lqtA"], capture_output=True, text=True
    ).stdout
    exists = site.database in {line.split("|")[0] for line in listing.splitlines()}
    if args.reuse and exists:
        site.scratch.mkdir(parents=True, exist_ok=True)
        site.manage("migrate", "--noinput")
        site.manage("collectstatic", "--noinput")
    else:
        print(f"preparing {site.database} (migrate, seed_demo, collectstatic) ...", flush=True)
        site.prepare()
    site.flush_redis()
    site.django_setup()

    run = f"{int(time.time()) % 100000:05d}"
    text, elements = register_csv(args.auditors, args.countries, run)
    csv_path = site.scratch / f"register-{run}.csv"
    csv_path.write_text(text, encoding="utf-8")
    print(f"importing {args.auditors} auditors, {elements} scope elements ...", flush=True)
    started = time.monotonic()
    site.manage("import_register", str(csv_path))
    import_seconds = time.monotonic() - started
    rows_per_second = args.auditors / import_seconds
    print(
        f"import_register: {args.auditors} rows in {import_seconds:.1f} s"
        f" ({rows_per_second:.0f} rows/s; target: 10,000 rows < 60 s)",
        flush=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", site.database, "-qc", "ANALYZE"],
        check=True,
    )
    print(f"ready in {time.monotonic() - began:.0f}s", flush=True)

    server = Gunicorn(site, workers=args.workers, name="register").start()
    results: list[tuple[Measure, Measure]] = []
    try:
        measured = pages(server.url)
        for name, path in measured:
            page, bare = Measure(name), Measure(f"bare (vs {name})")
            if name in ("cached", "api_cached"):
                requests.get(server.url + path(), headers={"X-Forwarded-Proto": "https"})
            for _round in range(args.rounds):
                share = args.seconds / args.rounds
                hammer(server.url, path, share, args.concurrency, page)
                hammer(server.url, fixed("/perf/bare/"), share, args.concurrency, bare)
            print(page.line(bare.rps), flush=True)
            results.append((page, bare))
        peaks = server.peak_rss_mb()
    finally:
        server.stop()

    print()
    print(f"{len(results)} pages at {args.concurrency} connections, {args.seconds:.0f} s each:")
    for page, bare in results:
        print("  " + bare.line())
        print("  " + page.line(bare.rps))
    ratios = {page.name: page.rps / bare.rps if bare.rps else 0.0 for page, bare in results}
    for name, target in TARGETS.items():
        if name in ratios:
            verdict = "met" if ratios[name] >= target else "NOT met"
            print(f"target {name} >= {target:.2f} of the bare view: {ratios[name]:.3f} ({verdict})")
    spread = {
        page.name: percentile(page.latencies, 99) / percentile(page.latencies, 50)
        for page, _bare in results
        if page.latencies
    }
    worst = max(spread.values(), default=float("nan"))
    print(
        f"target p99/p50 <= {P99_P50_TARGET:.0f}: worst {worst:.2f}"
        f" ({'met' if worst <= P99_P50_TARGET else 'NOT met'})"
    )
    if peaks:
        print(
            "peak resident memory per worker (MB): "
            + ", ".join(f"{mb:.0f}" for mb in sorted(peaks.values()))
            + f" (target <= 200: {'met' if max(peaks.values()) <= 200 else 'NOT met'})"
        )
    print(
        "RATIOS "
        + " ".join(f"{name}={ratio:.2f}" for name, ratio in ratios.items())
        + f" p99_p50_worst={worst:.2f} import_rows_per_s={rows_per_second:.0f}"
        + f" peak_rss_mb={max(peaks.values(), default=0):.0f}"
    )


if __name__ == "__main__":
    main()
