"""Byte ranges of documents, so the browser's video player can seek.

Wagtail's document serve view always sends the whole file with 200. A ``<video>`` element
asks for parts of the file with a ``Range`` header (and chapter markers jump the player to
a later time). ``cms.middleware.DocumentRangeMiddleware`` answers those with 206 Partial
Content, cut from the file response Wagtail's view has already built: so every check of
that view (our members-only hook, Wagtail's collection privacy, ETag conditions) has run
first, and only the bytes asked for are read, a chunk at a time.

Why a middleware and not the ``before_serve_document`` hook: Wagtail (8.0) only takes a
hook's answer if it is an ``HttpResponse``, which holds its whole body in memory; streamed
responses (``StreamingHttpResponse``, ``FileResponse``) are not ``HttpResponse``s and would
be ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

CHUNK_SIZE = 64 * 1024

# One range only: "bytes=first-last", "bytes=first-" or "bytes=-suffix". A list of
# ranges does not match and is answered with the whole file, as HTTP allows.
_SINGLE_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.ASCII | re.IGNORECASE)

# Describe the whole file, so they do not go on a part of it.
_WHOLE_FILE_HEADERS = {"content-length", "content-range"}


class RangeNotSatisfiable(Exception):
    """The range asked for lies wholly past the end of the file."""


def single_byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one byte range ``header`` asks for in a file of ``size`` bytes, as (first, last)
    with both ends included, or None when the whole file should be sent instead.

    Raises ``RangeNotSatisfiable`` for a well-formed range that no byte of the file falls
    in (answered with 416).
    """
    match = _SINGLE_RANGE.match(header or "")
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            raise RangeNotSatisfiable
        if size == 0:
            return None
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range: ignored
    if start >= size:
        raise RangeNotSatisfiable
    end = int(last) if last else size - 1
    return start, min(end, size - 1)


class _FileRange:
    """Streams ``length`` bytes of ``file`` from ``start``; closing it closes the file."""

    def __init__(self, file, start: int, length: int):
        self.file, self.start, self.length = file, start, length

    def __iter__(self) -> Iterator[bytes]:
        self.file.seek(self.start)
        remaining = self.length
        while remaining > 0:
            chunk = self.file.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.file.close()


def _if_range_holds(request: HttpRequest, response: HttpResponse) -> bool:
    """An ``If-Range`` condition: the range is sent only if the file is still the one the
    client has part of (the same strong ETag, or exactly the same Last-Modified date)."""
    condition = request.headers.get("If-Range")
    if condition is None:
        return True
    condition = condition.strip()
    if condition.startswith(('"', "W/")):
        etag = response.get("ETag")
        return bool(etag) and etag != '""' and not etag.startswith("W/") and condition == etag
    return condition == response.get("Last-Modified")


def _seekable(file) -> bool:
    if not hasattr(file, "seek"):
        return False
    seekable = getattr(file, "seekable", None)
    return seekable() if callable(seekable) else True


def ranged(request: HttpRequest, response):
    """``response`` (a whole file, 200) cut to the single range ``request`` asks for: 206 with
    those bytes, 416 when none of them is in the file, or ``response`` itself when the
    whole file is to be sent (no or several ranges, a failed ``If-Range``)."""
    if not isinstance(response, FileResponse) or response.status_code != 200:
        return response
    response["Accept-Ranges"] = "bytes"
    file = getattr(response, "file_to_stream", None)
    size = response.get("Content-Length")
    if (
        request.method != "GET"
        or "Range" not in request.headers
        or file is None
        or not (size and size.isdigit())
        or not _seekable(file)
        or not _if_range_holds(request, response)
    ):
        return response
    size = int(size)
    try:
        byte_range = single_byte_range(request.headers["Range"], size)
    except RangeNotSatisfiable:
        # Only the file: closing the response would signal the end of the request.
        file.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        refused["Accept-Ranges"] = "bytes"
        return refused
    if byte_range is None:
        return response

    start, end = byte_range
    # ``response`` is dropped unclosed: the partial response closes the file, and signals
    # the end of the request when it is closed itself.
    partial = StreamingHttpResponse(_FileRange(file, start, end - start + 1), status=206)
    for header, value in response.items():
        if header.lower() not in _WHOLE_FILE_HEADERS:
            partial[header] = value
    partial["Content-Length"] = str(end - start + 1)
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    return partial
