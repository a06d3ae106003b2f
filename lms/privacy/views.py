"""The page that asks a signed-in person to accept a new version of the notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.errors import ServiceError, show_refusal
from lms.privacy import selectors, services
from lms.privacy.forms import AcceptForm
from lms.privacy.models import ConsentSource
from lms.redirects import safe_next


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest) -> HttpResponse:
    """GET shows what changed and the box to tick (it writes nothing); POST records the
    acceptance of the versions in force and goes back to where the person was going."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), "/")
    versions = selectors.versions_to_accept(request.user)
    if not versions:
        if request.method == "POST":
            return HttpResponseRedirect(next_url)
        return render(
            request,
            "privacy/accept.html",
            {"versions": [], "next": next_url, "consents": selectors.consents_of(request.user)},
        )
    form = AcceptForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_acceptance(
                user=request.user, versions=versions, source=ConsentSource.RECONSENT
            )
        except ServiceError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(request, _("Thank you: your acceptance is recorded."))
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "privacy/accept.html",
        {"versions": versions, "form": form, "next": next_url},
        status=200,
    )
