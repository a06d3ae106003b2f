"""The code of conduct on the auditor's side: read a version and accept it (own profile
only), and the staff list of who has or has not accepted a version (Wagtail admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accreditation import permissions
from accreditation.models import AuditorProfile, CodeOfConductVersion
from accreditation.selectors import conduct as conduct_selectors
from accreditation.services.base import AccreditationError
from accreditation.services.conduct import conduct_accept, conduct_acceptable
from accreditation.views.admin import _render
from lms.errors import show_refusal

PAGE_SIZE = 50


def _next_url(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
def conduct_accept_page(request, pk: int):
    """One version of the code of conduct to read and, on POST, accept as oneself (a
    version in force or published to come into force; one replaced since is only shown).
    Only for a person with an auditor profile (others accept it when they apply)."""
    version = get_object_or_404(CodeOfConductVersion, pk=pk)
    auditor = AuditorProfile.objects.filter(user=request.user).first()
    if auditor is None:
        raise Http404
    accepted = auditor.conduct_acceptances.filter(version=version).first()
    acceptable = conduct_acceptable(version, timezone.localdate())
    if request.method == "POST" and accepted is None:
        if request.POST.get("accept") != "yes":
            messages.error(request, _("Tick the box to accept the code of conduct."))
        else:
            try:
                conduct_accept(auditor=auditor, version=version)
            except AccreditationError as error:
                show_refusal(request, error)
            else:
                messages.success(
                    request,
                    _("Thank you: you accepted version %(version)s of the code of conduct.")
                    % {"version": version.label},
                )
                return redirect(_next_url(request) or "accreditation:profile")
    return render(
        request,
        "accreditation/conduct_accept.html",
        {
            "version": version,
            "accepted": accepted,
            "acceptable": acceptable,
            "next": _next_url(request) or "",
        },
    )


@permissions.required(permissions.can_view_conduct_acceptances)
def conduct_acceptance_index(request, pk: int):
    """Staff: who has and who has not accepted a version (search, filter, pages)."""
    version = get_object_or_404(CodeOfConductVersion, pk=pk)
    filters = [
        (conduct_selectors.NOT_ACCEPTED, _("Not accepted")),
        (conduct_selectors.ACCEPTED, _("Accepted")),
        (conduct_selectors.ALL, _("All auditors")),
    ]
    status = request.GET.get("status") or conduct_selectors.NOT_ACCEPTED
    if status not in dict(filters):
        status = conduct_selectors.NOT_ACCEPTED
    query = (request.GET.get("q") or "").strip()[:100]
    profiles = conduct_selectors.conduct_acceptance_list(
        version=version, status=status, query=query
    )
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    in_force = conduct_selectors.conduct_in_force()
    return _render(
        request,
        "conduct_acceptances",
        {
            "page_title": _("Code of conduct acceptances"),
            "page_subtitle": str(version),
            "header_icon": "doc-full",
            "version": version,
            "is_in_force": in_force is not None and in_force.pk == version.pk,
            "page_obj": page,
            "filters": filters,
            "status": status,
            "query": query,
        },
    )
