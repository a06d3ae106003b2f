"""Where a user-supplied redirect target (``next``, ``back``, a referrer) may send someone.

Only to this site: a relative path, or an absolute URL whose host is the request's own host
or one of ``ALLOWED_HOSTS`` (the ``*`` wildcard and ``.domain`` patterns are never trusted
for redirects). Anything else, including ``//evil.example``, ``/\\evil.example``,
``https:evil.example``, ``javascript:...`` and any value carrying whitespace or control
characters (which browsers strip or reinterpret), falls back to a URL we chose. On an HTTPS
request an absolute target must be HTTPS too.

Every view that redirects to a target taken from the request uses ``safe_next``.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2000


def allowed_redirect_hosts(request: HttpRequest) -> set[str]:
    """This site's host names: the request's (already validated) host and the plain host
    names of ``ALLOWED_HOSTS``."""
    hosts = {request.get_host()}
    hosts.update(
        host for host in settings.ALLOWED_HOSTS if host and host != "*" and not host.startswith(".")
    )
    return hosts


def is_safe_redirect(request: HttpRequest, candidate: object) -> bool:
    """True when ``candidate`` is a URL on this site that is safe to redirect to."""
    if not isinstance(candidate, str) or not candidate or len(candidate) > MAX_LENGTH:
        return False
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in candidate):
        return False
    return url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts=allowed_redirect_hosts(request),
        require_https=request.is_secure(),
    )


def safe_next(request: HttpRequest, candidate: object, fallback: str) -> str:
    """``candidate`` if it is a safe target on this site, else ``fallback`` (a URL, a URL
    name or a path, resolved with ``resolve_url``)."""
    if is_safe_redirect(request, candidate):
        return str(candidate)
    return resolve_url(fallback)
