"""Views of the content site outside the page tree: search, progress, calendars."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import ics, selectors, services
from cms.models import LearningModulePage, RecordingPage
from cms.permissions import can_record_progress, can_view_page


def search(request):
    query = request.GET.get("q", "")[:200]
    hits = selectors.search_site(user=request.user, query=query)
    page_obj = Paginator(hits, 20).get_page(request.GET.get("page"))
    from urllib.parse import urlencode

    return TemplateResponse(
        request,
        "cms/search.html",
        {
            "query": query,
            "page_obj": page_obj,
            "hits": page_obj.object_list,
            "query_string": urlencode({"q": query}) if query else "",
        },
    )


@require_POST
@login_required
def module_complete(request, page_id: int):
    module = get_object_or_404(LearningModulePage.objects.live(), pk=page_id)
    if not can_record_progress(request.user, module):
        raise PermissionDenied
    try:
        services.module_progress_complete(user=request.user, module=module)
    except services.ModuleNotCompletable as refusal:
        messages.error(request, refusal.message)
        return redirect(module.get_url(request) or "/")
    messages.success(
        request, _("Well done: “%(title)s” is marked as complete.") % {"title": module.title}
    )
    return redirect(module.get_url(request) or "/")


@require_POST
@login_required
def module_start(request, page_id: int):
    """Records the module as started. The module page posts here once it has loaded
    (``data-record-visit``), so that showing a page never writes."""
    module = get_object_or_404(LearningModulePage.objects.live(), pk=page_id)
    if not can_record_progress(request.user, module):
        raise PermissionDenied
    services.module_progress_start(user=request.user, module=module)
    return HttpResponse(status=204)


def session_calendar(request, page_id: int):
    """The live session of a recording as an .ics file, for the person's own calendar, in
    the language of the URL (the page's translation in it, if there is one)."""
    recording = get_object_or_404(RecordingPage.objects.live(), pk=page_id).localized.specific
    if not can_view_page(request.user, recording):
        raise PermissionDenied
    response = HttpResponse(
        ics.session_calendar(recording, request=request),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{recording.slug}.ics"'
    return response
