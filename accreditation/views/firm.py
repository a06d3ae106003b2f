"""The firm admin's page: their firms, auditors, training status, scope and what expires,
and the requests of auditors to work under the firm (confirm, decline, end)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accreditation import permissions, selectors, services
from accreditation.models import Affiliation, AuditFirm
from accreditation.selectors import firm_onboarding
from accreditation.views import affiliations as affiliation_actions
from courses.payments import selectors as payments
from courses.payments.models import FIRM_KINDS
from lms.errors import show_refusal

PAGE_SIZE = 25


@login_required
@permissions.required(permissions.can_view_firm_admin_page)
def firm_admin(request: HttpRequest) -> HttpResponse:
    overviews = [
        selectors.firm_overview(firm) for firm in permissions.administered_firms(request.user)
    ]
    for overview in overviews:  # the yearly renewal: when due, whether its fee is paid
        overview.firm.renewal = firm_onboarding.firm_renewal(overview.firm)
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


def _administered_firm(request: HttpRequest, firm_pk: int) -> AuditFirm:
    """One of the firms the person runs; any other firm answers 404."""
    return get_object_or_404(permissions.administered_firms(request.user), pk=firm_pk)


@login_required
@permissions.required(permissions.can_view_firm_admin_page)
def affiliation_list(request: HttpRequest, firm_pk: int) -> HttpResponse:
    """The firm's affiliations: requests waiting (by default), confirmed, declined, ended;
    searchable by name or e-mail, 25 a page."""
    firm = _administered_firm(request, firm_pk)
    filters = dict(selectors.AFFILIATION_FILTERS)
    status = request.GET.get("status") or selectors.AFFILIATION_PENDING
    if status not in filters:
        status = selectors.AFFILIATION_PENDING
    query = (request.GET.get("q") or "").strip()[:100]
    affiliations = selectors.firm_affiliations(firm=firm, status=status, query=query)
    page = Paginator(affiliations, PAGE_SIZE).get_page(request.GET.get("page"))
    for affiliation in page.object_list:
        affiliation.actions = [
            key for key, applies in affiliation_actions.APPLIES.items() if applies(affiliation)
        ]
    return render(
        request,
        "accreditation/firm/affiliations.html",
        {
            "firm": firm,
            "page_obj": page,
            "status": status,
            "status_label": filters[status],
            "filters": selectors.AFFILIATION_FILTERS,
            "query": query,
            "actions": affiliation_actions.ACTIONS,
        },
    )


@login_required
@permissions.required(permissions.can_view_firm_admin_page)
def affiliation_decide(request: HttpRequest, firm_pk: int, pk: int, action: str) -> HttpResponse:
    """Confirm, decline (with a reason) or end an affiliation of the firm. The page is the
    confirmation step: it says what will happen, and only its form's POST acts."""
    firm = _administered_firm(request, firm_pk)
    if action not in affiliation_actions.ACTIONS:
        raise Http404
    affiliation = get_object_or_404(
        Affiliation.objects.select_related("auditor__user", "firm"), pk=pk, firm=firm
    )
    back = reverse("accreditation:firm_affiliations", args=[firm.pk])
    form = affiliation_actions.form_for(action, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            affiliation = affiliation_actions.act(
                action, affiliation=affiliation, user=request.user, data=form.cleaned_data
            )
        except services.AccreditationError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(request, affiliation_actions.done_message(action, affiliation))
            return redirect(back)
    return render(
        request,
        "accreditation/firm/affiliation_decide.html",
        {
            "firm": firm,
            "affiliation": affiliation,
            "action": action,
            "action_label": affiliation_actions.ACTIONS[action],
            "applies": affiliation_actions.APPLIES[action](affiliation),
            "form": form,
            "back": back,
        },
    )
