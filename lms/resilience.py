"""What the site does while PostgreSQL or Redis is away for a moment.

The database
    A request that cannot reach PostgreSQL (it is restarting, the connection dropped, the
    server refuses connections) is answered with a 503 and ``Retry-After``: an HTML page
    (``templates/503.html``, built without the database) or, for the API and the site's
    own JSON endpoints, ``{"detail": ...}``. Never a 500 with a traceback: nothing was
    half-done, since every write runs in a transaction that the outage rolled back. Two
    places turn the error into that answer: ``ServiceUnavailableMiddleware`` (loading the
    session and the user before the view, and any error of the view), and the site's
    ``handler500`` (``lms.views.server_error``) for errors raised by other middlewares
    (saving the session after the view, say). Other database errors (a bug, a deadlock)
    stay 500s.

The cache (Redis)
    ``TolerantRedisCache`` is Django's Redis backend that treats an unreachable Redis as an
    empty cache: a read is a miss, a write is dropped, and the site keeps serving from the
    database, uncached. After a failure it stops trying for ``DOWN_SECONDS`` (one slow
    connection attempt per process per window, not one per cache call), then tries again.
    ``add`` answers True while Redis is away: callers use it as a lock (allauth's rate
    limits), and a lock held on a store that is down guards nothing, so letting the caller
    through is what "fail open" means for the other rate limits (sign-up, password reset).

    Logins fail *closed*: the failed-login counters live in the cache, and without them a
    password could be guessed at full speed. Login POSTs run under ``cache_required()``
    (set by ``ServiceUnavailableMiddleware``), where an unreachable cache raises
    ``CacheUnavailable`` instead, and the person is told that signing in is paused for a
    moment (a 503 with ``Retry-After``). People already signed in carry on.

    Purges sent while Redis is away are lost with it. A Redis restarted empty (the
    deployment's setting: no persistence) has nothing stale; a Redis that comes back with
    its old data (a network split) may serve register pages cached before the outage until
    their timeout or the next purge.
"""

from __future__ import annotations

import contextvars
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again (``Retry-After``).
RETRY_AFTER_SECONDS = 10

# --- The database -------------------------------------------------------------------------

# PostgreSQL error classes that mean "the server cannot serve now": 08 connection
# exceptions, 53 insufficient resources (too many connections, disk full), 57P shutdown,
# crash, starting up, database dropped. Class 57014 (a statement timeout) is not one.
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P")
_SQLITE_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached or cannot serve right now
    (rather than that our query was wrong)."""
    if isinstance(error, InterfaceError):
        return True  # the connection is closed or broken
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return getattr(cause, "sqlite_errorname", "") in _SQLITE_BUSY
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is None:
        # psycopg raises OperationalError without a SQLSTATE when it cannot connect or the
        # server went away mid-query ("connection refused", "server closed the connection").
        return True
    return sqlstate.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES)


def wants_json(request: HttpRequest) -> bool:
    """The API, and the site's own JSON endpoints called from a page's script."""
    if request.path.startswith("/api/"):
        return True
    if request.headers.get("X-Requested-With"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def unavailable_response(request: HttpRequest, message: str | None = None) -> HttpResponse:
    """A 503 with ``Retry-After``: JSON ``{"detail": message}`` for the API and scripts
    (also as ``error``, the key the site's JSON endpoints use), else the 503 page. Built
    without the database, the session or the cache."""
    message = message or _(
        "The site cannot reach its database for a moment. Nothing you saved is lost: "
        "try again in a few seconds."
    )
    if wants_json(request):
        body: dict[str, Any] = {"detail": message}
        if not request.path.startswith("/api/"):
            body.update(ok=False, error=message)
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def login_paused_message() -> str:
    return _(
        "Signing in is paused for a moment: the service that protects accounts against "
        "password guessing is unavailable. Try again in a minute."
    )


# --- The cache ----------------------------------------------------------------------------


class CacheUnavailable(Exception):
    """The cache could not be reached inside ``cache_required()``."""


_cache_required: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "lms_cache_required", default=False
)


@contextmanager
def cache_required() -> Iterator[None]:
    """Inside this block an unreachable cache raises ``CacheUnavailable`` instead of
    answering like an empty cache: for work that must not go on without it (logins)."""
    token = _cache_required.set(True)
    try:
        yield
    finally:
        _cache_required.reset(token)


def enter_cache_required() -> contextvars.Token:
    """``cache_required()`` for a middleware that enters and leaves in two methods."""
    return _cache_required.set(True)


def leave_cache_required(token: contextvars.Token) -> None:
    _cache_required.reset(token)


class _Circuit:
    """Per process and Redis location: until when calls are not even tried."""

    lock = threading.Lock()
    down_until: dict[str, float] = {}

    @classmethod
    def is_open(cls, location: str) -> bool:
        return time.monotonic() < cls.down_until.get(location, 0.0)

    @classmethod
    def trip(cls, location: str, seconds: float, error: Exception) -> None:
        with cls.lock:
            was_down = location in cls.down_until
            cls.down_until[location] = time.monotonic() + seconds
        if not was_down:
            logger.warning(
                "Cache unreachable (%s: %s): serving uncached for now.",
                type(error).__name__,
                error,
            )

    @classmethod
    def close(cls, location: str) -> None:
        if location in cls.down_until:
            with cls.lock:
                cls.down_until.pop(location, None)
            logger.warning("Cache reachable again.")


class TolerantRedisCache(RedisCache):
    """Django's Redis cache that answers like an empty cache while Redis is unreachable.

    Options besides Django's: ``DOWN_SECONDS`` (default 5), how long after a failure the
    backend stops trying. Give the connection short timeouts in ``OPTIONS``
    (``socket_connect_timeout``, ``socket_timeout``) so that a Redis host that does not
    answer at all costs a fraction of a second, not the operating system's timeout.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.down_seconds = float(options.pop("DOWN_SECONDS", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._location = ",".join(self._servers)
        import redis

        self._errors: tuple[type[Exception], ...] = (
            redis.exceptions.ConnectionError,
            redis.exceptions.TimeoutError,
        )

    def _guard(self, fallback: Any, method: Callable[..., Any], *args: Any) -> Any:
        """``method(self, *args)`` of Django's backend, or ``fallback`` when Redis is
        unreachable (``CacheUnavailable`` inside ``cache_required()``)."""
        strict = _cache_required.get()
        if _Circuit.is_open(self._location):
            if strict:
                raise CacheUnavailable(self._location)
            return fallback
        try:
            result = method(self, *args)
        except self._errors as error:
            _Circuit.trip(self._location, self.down_seconds, error)
            if strict:
                raise CacheUnavailable(self._location) from error
            return fallback
        _Circuit.close(self._location)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(True, RedisCache.add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard(default, RedisCache.get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(None, RedisCache.set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, RedisCache.touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, RedisCache.delete, key, version)

    def get_many(self, keys, version=None):
        return self._guard({}, RedisCache.get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, RedisCache.has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guard(missing, RedisCache.incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(list(data), RedisCache.set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, RedisCache.delete_many, keys, version)

    def clear(self):
        return self._guard(False, RedisCache.clear)

    def ping(self) -> None:
        """Raises ``CacheUnavailable`` unless Redis answers now (the readiness check)."""
        try:
            self._cache.get_client(write=True).ping()
        except self._errors as error:
            _Circuit.trip(self._location, self.down_seconds, error)
            raise CacheUnavailable(self._location) from error
        _Circuit.close(self._location)
