"""Middleware of the content site."""

from __future__ import annotations

from cms.byte_ranges import ranged

DOCUMENT_VIEW = "wagtaildocs_serve"


class DocumentRangeMiddleware:
    """Lets documents served by Wagtail's document view answer Range requests (206), so
    the video player can seek. See ``cms.byte_ranges`` for why this is not a Wagtail hook.

    Place it last in ``MIDDLEWARE``: it cuts the view's own file response, after all of
    the view's checks, before any other middleware sees it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != DOCUMENT_VIEW:
            return response
        return ranged(request, response)
