"""The firm admin's page: their firms, auditors, training status, scope and what expires."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accreditation import permissions, selectors
from courses.payments import selectors as payments
from courses.payments.models import FIRM_KINDS


@login_required
@permissions.required(permissions.can_view_firm_admin_page)
def firm_admin(request: HttpRequest) -> HttpResponse:
    overviews = [
        selectors.firm_overview(firm) for firm in permissions.administered_firms(request.user)
    ]
    return render(
        request,
        "accreditation/firm/overview.html",
        {
            "overviews": overviews,
            "window_days": selectors.EXPIRY_WINDOW_DAYS,
            **_purchases(request.user),
        },
    )


def _purchases(user) -> dict:
    """What a firm admin can pay for from this page: firm fees, sittings for auditors."""
    return {
        "fee_items": [
            item for kind in FIRM_KINDS if (item := payments.item_for_firm_fee(kind=kind))
        ],
        "sitting_items": list(payments.sitting_items_on_sale()),
        "unassigned_sittings": payments.unassigned_vouchers_of(user=user).count(),
    }
