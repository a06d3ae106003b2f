"""The firm admin's page: their firms, auditors, training status, scope and what expires."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accreditation import permissions
from accreditation.firm_overview import EXPIRY_WINDOW_DAYS, firm_overview


@login_required
def firm_admin(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_firm_admin_page(request.user):
        raise PermissionDenied
    overviews = [firm_overview(firm) for firm in permissions.administered_firms(request.user)]
    return render(
        request,
        "accreditation/firm/overview.html",
        {"overviews": overviews, "window_days": EXPIRY_WINDOW_DAYS},
    )
