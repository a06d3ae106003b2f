"""The person's "Download my data" pages: ask, watch the progress, download.

- ``export`` (GET) lists the person's exports with their status; while one is being
  prepared the page refreshes itself every few seconds and shows the percentage. POST
  asks for a new one (``export.export_request``).
- ``export_status`` (GET, JSON) is the same status for a script.
- ``download`` streams the ZIP to the person who asked for it, signed in, while the link
  is valid; anyone else gets a 404 (the link says nothing about whose it is), a signed-out
  visitor is sent to sign in, an expired link gets a page that says so (410).

GETs only read, except the download, which records itself in the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from lms.errors import ServiceError, show_refusal
from lms.privacy import export as service
from lms.privacy.models import ExportStatus, export_valid_days

REFRESH_SECONDS = 3


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            service.export_request(user=request.user)
        except ServiceError as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(
                request,
                _(
                    "We are preparing your data. This page shows the progress, and we will "
                    "e-mail you a link when it is ready."
                ),
            )
        return redirect("privacy:export")
    now = timezone.now()
    exports = service.exports_of(request.user)
    rows = [
        {
            "export": item,
            "status": item.shown_status(now),
            "status_label": ExportStatus(item.shown_status(now)).label,
            "downloadable": item.is_downloadable(now),
        }
        for item in exports
    ]
    building = any(item.is_open for item in exports)
    return render(
        request,
        "privacy/export.html",
        {
            "rows": rows,
            "building": building,
            "refresh_seconds": REFRESH_SECONDS,
            "valid_days": export_valid_days(),
        },
    )


@never_cache
@login_required
@require_safe
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The status and progress of one of the person's exports, for a script."""
    item = service.DataExport.objects.filter(user=request.user, pk=pk).first()
    if item is None:
        raise Http404
    now = timezone.now()
    downloadable = item.is_downloadable(now)
    return JsonResponse(
        {
            "status": item.shown_status(now),
            "progress": item.progress,
            "download_url": service.download_url(item) if downloadable else None,
        }
    )


@never_cache
@login_required
@require_safe
def download(request: HttpRequest, token: str) -> HttpResponse:
    item = service.downloadable_export(user=request.user, token=token)
    if item is None:
        raise Http404
    if not item.is_downloadable():
        return render(request, "privacy/export_expired.html", {"export": item}, status=410)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    service.export_downloaded(export=item, user=request.user)
    filename = f"my-data-{timezone.localdate(item.ready_at):%Y-%m-%d}.zip"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
