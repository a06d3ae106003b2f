"""What the benchmarks under ``tests/perf/`` share: a site on its own PostgreSQL database and
Redis database with the production settings, gunicorn in front of it, and a browser-like
HTTP client.

- ``Site``: the environment of one benchmark site (``tests.perf.settings``: production plus
  the bare views of ``tests/perf/urls.py``), ``prepare()`` (a fresh database, migrations,
  the demo content, collectstatic), ``manage()`` and ``django_setup()`` for this process.
- ``Gunicorn``: sync workers (``2 x cores + 1`` by default), the worker pids, each worker's
  peak resident memory (``VmHWM``), killing a worker.
- ``Browser``: one person's client: keeps cookies (secure ones too, over plain http),
  sends ``X-Forwarded-Proto: https`` as the reverse proxy would, the CSRF token, times
  every request; ``parse_forms`` reads a page's forms like a browser does.
- ``percentile`` and ``Timings`` for the figures.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432"
BARE_WRITE_TABLE = "perf_bare_write"


def cores() -> int:
    return os.cpu_count() or 1


def default_workers() -> int:
    return 2 * cores() + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The site --------------------------------------------------------------------------------


@dataclass
class Site:
    """One benchmark site: its database, Redis database and scratch folder."""

    database: str
    redis_db: int
    scratch: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"{PG}/{self.database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:6379/{self.redis_db}"

    def env(self, settings: str = "tests.perf.settings", **extra: str) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
        environ.update(
            DJANGO_SETTINGS_MODULE=settings,
            SECRET_KEY="perf-" + "k" * 60,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CACHE_KEY_PREFIX=f"perf-{self.database}",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            PERF_STATIC_ROOT=str(self.scratch / "static"),
            MEDIA_ROOT=str(self.scratch / "media"),
            PRIVATE_MEDIA_ROOT=str(self.scratch / "private-media"),
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL="WARNING",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        environ.update(self.extra_env)
        environ.update(extra)
        return environ

    def manage(self, *args: str, settings: str = "tests.perf.settings", quiet=True, **extra):
        """Runs ``manage.py`` against this site; raises with its output when it fails."""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(settings, **extra),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        if not quiet:
            print(result.stdout, end="")
        return result.stdout

    def prepare(self, *, fresh: bool = True) -> None:
        """A fresh database with the demo content, the bare-write table, static files."""
        self.scratch.mkdir(parents=True, exist_ok=True)
        if fresh:
            subprocess.run(
                [
                    "dropdb",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "--if-exists",
                    "--force",
                    self.database,
                ],
                check=True,
            )
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", self.database], check=True
            )
        self.manage("migrate", "--noinput")
        # seed_demo (idempotent) refuses production settings: the demo ones, same database
        self.manage("seed_demo", settings="lms.settings.dev")
        self.manage("collectstatic", "--noinput")
        self.sql(
            f"CREATE TABLE IF NOT EXISTS {BARE_WRITE_TABLE} ("
            "id bigserial PRIMARY KEY, user_id bigint, created_at timestamptz NOT NULL)"
        )

    def sql(self, statement: str) -> str:
        result = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                self.database,
                "-qAt",
                "-c",
                statement,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def django_setup(self) -> None:
        """Django in this process, on this site (for seeding and for checking the database)."""
        os.environ.update(self.env())
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def flush_redis(self) -> None:
        subprocess.run(
            ["redis-cli", "-n", str(self.redis_db), "flushdb"], check=False, capture_output=True
        )


# --- gunicorn --------------------------------------------------------------------------------


class Gunicorn:
    """A gunicorn master with sync workers serving ``site`` on ``port``."""

    def __init__(
        self,
        site: Site,
        *,
        port: int | None = None,
        workers: int | None = None,
        name: str = "web",
        extra_env: dict[str, str] | None = None,
    ):
        self.site = site
        self.port = port or free_port()
        self.workers = workers or default_workers()
        self.name = name
        self.extra_env = extra_env or {}
        self.log_path = site.scratch / f"{name}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> Gunicorn:
        log = open(self.log_path, "w")  # noqa: SIM115 - the server writes to it until stopped
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "lms.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--backlog",
                "2048",
                "--no-control-socket",  # one per user by default: instances would share it
            ],
            cwd=ROOT,
            env=self.site.env(**self.extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200 and (
                    len(self.worker_pids()) >= self.workers
                ):
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        if not self.process:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> dict[int, float]:
        """Each live worker's peak resident memory (``VmHWM``), in MB."""
        peaks = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks[pid] = int(match.group(1)) / 1024
        return peaks

    def kill_worker(self) -> int:
        """SIGKILLs one worker (the master starts another); returns its pid."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


# --- A browser -------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str
    elapsed: float  # seconds
    url: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self):
        import json

        return json.loads(self.text)


class _NoCookieJar(requests.cookies.RequestsCookieJar):
    """A jar that keeps nothing: ``Browser`` reads Set-Cookie headers itself."""

    def extract_cookies(self, response, request) -> None:
        return None


class _Session(requests.Session):
    """requests' session, minus the work this client does not use and which would load
    the machine under test: it prepares the next request of every redirect even when
    told not to follow it (``Browser.follow`` does that itself), and looks up proxy and
    netrc settings in the environment on every request (``trust_env``; the benchmark
    talks to 127.0.0.1 directly)."""

    def __init__(self):
        super().__init__()
        self.trust_env = False
        self.cookies = _NoCookieJar()

    def resolve_redirects(self, *args, **kwargs):
        return iter(())


class Browser:
    """One person's browser: cookies, CSRF, behind a TLS-terminating proxy, timed."""

    def __init__(self, base_url: str, timeout: float = 30, host: str | None = None):
        """``host``: the site's public name, sent as ``Host`` whatever node ``base_url``
        reaches (as behind a load balancer); by default the node's own address."""
        self.base_url = base_url
        self.timeout = timeout
        self.session = _Session()
        # The site's cookies are Secure (production); the benchmark speaks plain http to
        # gunicorn as the reverse proxy does, so this client keeps and sends them itself
        # (requests' own jar, which would parse every Set-Cookie again, stays empty).
        self.cookies: dict[str, str] = {}
        host = host or urlsplit(base_url).netloc
        self.session.headers.update(
            {
                "Host": host,
                "X-Forwarded-Proto": "https",
                "Origin": f"https://{host}",
                "User-Agent": "lms-perf",
            }
        )

    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")

    def _keep_cookies(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def _send(self, method: str, path: str, *, headers=None, **kwargs) -> Reply:
        url = urljoin(self.base_url, path)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        response = self.session.request(
            method, url, allow_redirects=False, timeout=self.timeout, headers=headers, **kwargs
        )
        elapsed = time.perf_counter() - started
        self._keep_cookies(response)
        return Reply(response.status_code, dict(response.headers), response.text, elapsed, url)

    def get(self, path: str, **kwargs) -> Reply:
        return self._send("GET", path, **kwargs)

    def post(self, path: str, data, *, headers: dict[str, str] | None = None) -> Reply:
        headers = {"X-CSRFToken": self.csrf_token(), **(headers or {})}
        if isinstance(data, dict):
            data = {**data, "csrfmiddlewaretoken": self.csrf_token()}
        else:
            data = [*data, ("csrfmiddlewaretoken", self.csrf_token())]
        return self._send("POST", path, data=data, headers=headers)

    def follow(self, reply: Reply, limit: int = 5) -> Reply:
        while reply.status in (301, 302, 303) and limit:
            reply = self.get(reply.location)
            limit -= 1
        return reply

    def login(self, email: str, password: str) -> Reply:
        """Signs in through allauth's form; the reply is the redirect after it."""
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"login": email, "password": password})

    def signed_in(self) -> bool:
        return bool(self.cookies.get("sessionid"))


# --- Pages -----------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, radio, checkbox, select, textarea, submit
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    fields: list[Field] = field(default_factory=list)

    def values(self) -> list[tuple[str, str]]:
        """What the browser sends without a submit button: checked boxes, selections."""
        sent = []
        for f in self.fields:
            if f.kind in ("submit", "button", "image", "reset") or not f.name:
                continue
            if f.kind in ("radio", "checkbox") and not f.checked:
                continue
            sent.append((f.name, f.value))
        return sent


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower(), a))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input":
            kind = a.get("type", "text").lower()
            form.fields.append(Field(a.get("name", ""), kind, a.get("value", ""), "checked" in a))
        elif tag == "button":
            form.fields.append(
                Field(a.get("name", ""), a.get("type", "submit"), a.get("value", ""))
            )
        elif tag == "select":
            self._select = Field(a.get("name", ""), "select")
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
        elif tag == "textarea":
            self._textarea = Field(a.get("name", ""), "textarea")
            form.fields.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


# --- Figures ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


class Timings:
    """Latencies (seconds) by kind, from many threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.values: dict[str, list[float]] = defaultdict(list)

    def add(self, kind: str, seconds: float) -> None:
        with self._lock:
            self.values[kind].append(seconds)

    def p(self, kind: str, p: float) -> float:
        return percentile(self.values.get(kind, []), p)

    def line(self, kind: str) -> str:
        values = self.values.get(kind, [])
        if not values:
            return f"{kind:24} n=0"
        return (
            f"{kind:24} n={len(values):<6} p50={percentile(values, 50) * 1000:7.1f} ms"
            f"  p95={percentile(values, 95) * 1000:7.1f} ms"
            f"  p99={percentile(values, 99) * 1000:7.1f} ms"
        )
