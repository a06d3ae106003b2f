"""Staff screens for affiliations in the Wagtail admin: every firm's requests and
affiliations (search, filters, pages), one affiliation with its history, and the decisions
staff take on a firm's behalf (confirm, decline with a reason, end), each with a
confirmation step like the other decision screens (``views/admin.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from accreditation import permissions, selectors, services
from accreditation.forms import confirmed
from accreditation.models import Affiliation, AuditFirm
from accreditation.views import affiliations as affiliation_actions
from accreditation.views.admin import _confirm, _render
from lms.errors import show_refusal

PAGE_SIZE = 50


def _int_param(request, name: str) -> int | None:
    value = (request.GET.get(name) or "").strip()
    return int(value) if value.isdigit() else None


@permissions.required(permissions.can_decide_affiliations_as_staff)
def affiliation_index(request):
    filters = dict(selectors.AFFILIATION_FILTERS)
    status = request.GET.get("status") or selectors.AFFILIATION_PENDING
    if status not in filters:
        status = selectors.AFFILIATION_PENDING
    query = (request.GET.get("q") or "").strip()[:100]
    firm_pk = _int_param(request, "firm")
    firm = AuditFirm.objects.filter(pk=firm_pk).first() if firm_pk else None
    affiliations = selectors.firm_affiliations(firm=firm, status=status, query=query)
    auditor_pk = _int_param(request, "auditor")
    if auditor_pk:
        affiliations = affiliations.filter(auditor_id=auditor_pk)
    page = Paginator(affiliations, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "affiliations",
        {
            "page_title": _("Affiliations"),
            "page_subtitle": firm.name if firm else None,
            "header_icon": "group",
            "page_obj": page,
            "filters": selectors.AFFILIATION_FILTERS,
            "status": status,
            "query": query,
            "firm": firm,
            "firms": AuditFirm.objects.order_by("name").only("pk", "name"),
            "auditor_pk": auditor_pk,
        },
    )


def _affiliation(pk: int) -> Affiliation:
    return get_object_or_404(
        Affiliation.objects.select_related("auditor__user", "firm", "decided_by"), pk=pk
    )


@permissions.required(permissions.can_decide_affiliations_as_staff)
def affiliation_detail(request, pk: int):
    affiliation = _affiliation(pk)
    return _render(
        request,
        "affiliation_detail",
        {
            "page_title": _("Affiliation"),
            "page_subtitle": str(affiliation),
            "header_icon": "group",
            "affiliation": affiliation,
            "actions": [
                (key, label)
                for key, label in affiliation_actions.ACTIONS.items()
                if affiliation_actions.APPLIES[key](affiliation)
            ],
            "log": ModelLogEntry.objects.for_instance(affiliation)
            .select_related("user")
            .order_by("-timestamp", "-pk"),
        },
    )


@permissions.required(permissions.can_decide_affiliations_as_staff)
def affiliation_decide(request, pk: int, action: str):
    """A decision on the firm's behalf: the form, then a confirmation step, then the
    service; back to the affiliation afterwards."""
    if action not in affiliation_actions.ACTIONS:
        raise Http404
    affiliation = _affiliation(pk)
    back = reverse("accreditation_affiliation:detail", args=[affiliation.pk])
    if not affiliation_actions.APPLIES[action](affiliation):
        messages.error(request, _("This decision does not apply to this affiliation any more."))
        return redirect(back)
    label = affiliation_actions.ACTIONS[action]
    form = affiliation_actions.form_for(action, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request.POST):
            return _confirm(
                request,
                form,
                subject=affiliation,
                title=_("Confirm: %(action)s") % {"action": label},
                icon="tick" if action == "confirm" else "warning",
                cancel_url=back,
            )
        try:
            affiliation = affiliation_actions.act(
                action, affiliation=affiliation, user=request.user, data=form.cleaned_data
            )
        except services.AccreditationError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(request, affiliation_actions.done_message(action, affiliation))
            return redirect(back)
    return _render(
        request,
        "affiliation_decide",
        {
            "page_title": label,
            "page_subtitle": str(affiliation),
            "header_icon": "group",
            "affiliation": affiliation,
            "form": form,
            "action": action,
            "cancel_url": back,
        },
    )
