"""Public media in development: only the folders a web server may publish.

In production the web server or bucket publishes ``MEDIA_URL`` itself, and must publish
only ``PUBLIC_MEDIA_PREFIXES`` (see the README). Under ``DEBUG`` Django serves media, and
does the same: any other path, and any path that is not plain (``..``, empty or ``.``
segments, a leading slash from ``//`` or ``%2F``, backslashes, NUL), is a 404 before a file
is looked for. Private files are not under MEDIA_ROOT at all (``lms.storage``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.views.static import serve


def is_public_media_path(path: str) -> bool:
    """Whether ``path`` (relative to MEDIA_ROOT, as the URL gives it) may be published."""
    if not path or "\\" in path or "\x00" in path:
        return False
    segments = path.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        return False
    return path.startswith(tuple(settings.PUBLIC_MEDIA_PREFIXES))


def serve_public_media(request: HttpRequest, path: str) -> HttpResponse:
    if not is_public_media_path(path):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def public_media_urlpatterns() -> list[URLPattern]:
    """The development server's media URLs (none unless DEBUG, or with a remote MEDIA_URL)."""
    prefix = settings.MEDIA_URL.lstrip("/")
    if not settings.DEBUG or not prefix or "://" in settings.MEDIA_URL:
        return []
    return [re_path(rf"^{re.escape(prefix)}(?P<path>.*)$", serve_public_media)]
