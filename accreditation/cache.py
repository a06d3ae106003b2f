"""The public register's cache: anonymous GETs of register pages, purged on every change.

Keys carry a *register generation* kept in the cache; purging bumps the generation, so every
cached page (HTML, CSV, API lists, in every language) is stale at once without scanning keys.
One way purges: the post_save / post_delete signals of every model shown on the register
(services, admin edits and scripts alike), after commit; writers in bulk, which send no
signals (the importer), purge themselves.

What a cached page may hold: only what any anonymous visitor sees. A page is stored only
when it was built for a request with no session and no flash-message cookie, and only if
building it set no cookie, put no CSRF token in the page, showed no flash message and did not
ask for ``Cache-Control: private/no-store``. Signed-in visitors never get a cached page and
never fill the cache.

Nonces: django-csp gives every response a fresh ``script-src``/``style-src`` nonce. A page is
stored cut at every occurrence of the nonce it was built with; a replay joins the pieces with
the nonce of the new response (so its ``Content-Security-Policy`` header names the same
value), and inline ``<script nonce=...>`` blocks in a cached page still run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

GENERATION_KEY = "accreditation:register:generation"
TIMEOUT = 60 * 60  # an hour; purges make staleness impossible, the timeout just frees space
CACHED_HEADERS = ("Content-Type", "Content-Disposition")


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, str(time.time_ns()), None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def purge(**_kwargs) -> None:
    """Makes every cached register page stale (a new generation)."""
    cache.set(GENERATION_KEY, str(time.time_ns()), None)


def purge_on_commit(**_kwargs) -> None:
    transaction.on_commit(purge)


def is_cacheable(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD requests only (signed-in people may see more, e.g. menus)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get("messages"):
        return False  # the page would show someone's flash messages
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return True  # no session, no sign-in: decided without touching the database
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def may_store(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a page built for an anonymous visitor holds nothing of theirs: built without
    a session, no cookie set, no CSRF token rendered, no flash message shown, not private."""
    if response.status_code != 200:
        return False
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False  # an anonymous session may carry state (messages, a half-done form)
    session = getattr(request, "session", None)
    if response.cookies or (session is not None and session.modified):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a CSRF token was put in the page: it belongs to this visitor
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "used", False):
        return False  # flash messages were shown on this page
    cache_control = response.get("Cache-Control", "").lower()
    return "private" not in cache_control and "no-store" not in cache_control


def _request_nonce(request: HttpRequest) -> str | None:
    """The CSP nonce this response was built with, if building it asked for one."""
    nonce = getattr(request, "_csp_nonce", None)
    return nonce if isinstance(nonce, str) and nonce else None


def cache_key(request: HttpRequest) -> str:
    params = sorted(request.GET.lists())
    # Today's date is in the key: what is valid changes at midnight without any write.
    raw = f"{request.path}?{params!r}|{get_language()}|{timezone.localdate().isoformat()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    # "v2": entries hold the page cut at its nonce (older entries held it whole).
    return f"accreditation:register:v2:{generation()}:{digest}"


def _store(key: str, request: HttpRequest, response: HttpResponse, content: bytes) -> None:
    headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
    nonce = _request_nonce(request)
    # Cut at the nonce, so that a replay can put the new response's nonce in its place.
    pieces = content.split(nonce.encode()) if nonce else [content]
    cache.set(key, (response.status_code, headers, pieces), TIMEOUT)


def _replay(request: HttpRequest, entry) -> HttpResponse:
    status, headers, pieces = entry
    if len(pieces) > 1:
        # Asking for the nonce makes django-csp put this same value in the response header.
        content = str(getattr(request, "csp_nonce", "")).encode().join(pieces)
    else:
        content = pieces[0]
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    response["X-Register-Cache"] = "hit"
    return response


def _streaming_and_store(
    key: str, request: HttpRequest, response: StreamingHttpResponse, content: Iterator[bytes]
) -> Iterator[bytes]:
    chunks: list[bytes] = []
    for chunk in content:
        chunks.append(chunk)
        yield chunk
    _store(key, request, response, b"".join(chunks))


def serve_cached(request: HttpRequest, build: Callable[[], HttpResponse]) -> HttpResponse:
    """Returns the cached response for an anonymous GET, or builds, caches and returns it.

    Only 200 responses are kept. Streaming responses still stream; they are cached once the
    last chunk has gone out.
    """
    if not is_cacheable(request):
        return build()
    key = cache_key(request)
    entry = cache.get(key)
    if entry is not None:
        response = _replay(request, entry)
    else:
        response = build()
        if not may_store(request, response):
            return response
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _streaming_and_store(
                key, request, response, iter(response.streaming_content)
            )
        else:
            _store(key, request, response, response.content)
        response["X-Register-Cache"] = "miss"
    # Signed-in visitors get another page: no shared cache may hand this one to them.
    patch_vary_headers(response, ("Cookie",))
    return response


def cached_register_view(view):
    """Decorator for a register view: anonymous GETs are served from the register cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return serve_cached(request, lambda: view(request, *args, **kwargs))

    return wrapper


_connected = False


def connect_purge_signals() -> None:
    """Purges after commit on any save/delete of a model shown on the register."""
    global _connected
    if _connected:
        return
    _connected = True
    from accreditation import models

    for model in (
        models.Standard,
        models.StandardVersion,
        models.Sector,
        models.AuditFirm,
        models.FirmAccreditationPeriod,
        models.FirmStatusChange,
        models.FirmScopeElement,
        models.AuditorProfile,
        models.Affiliation,
        models.Accreditation,
        models.ScopeElement,
        models.ScopeStatusChange,
        models.RegisteredSpecialist,
    ):
        uid = f"accreditation.register.purge.{model.__name__}"
        post_save.connect(purge_on_commit, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(purge_on_commit, sender=model, dispatch_uid=uid + ".delete")
    # A specialist's standards are saved after the specialist (the admin form's m2m).
    m2m_changed.connect(
        purge_on_commit,
        sender=models.RegisteredSpecialist.standards.through,
        dispatch_uid="accreditation.register.purge.RegisteredSpecialist.standards",
    )
    post_save.connect(
        _purge_on_user_change, sender=get_user_model(), dispatch_uid="accreditation.register.user"
    )


def _purge_on_user_change(sender, instance, update_fields=None, **_kwargs) -> None:
    """A listed auditor's name is on the register; a sign-in (last_login only) is not."""
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return
    purge_on_commit()
