"""Staff screens in the Wagtail admin: application review (requirements, evidence, grant,
reject), accreditation decisions (suspend, reinstate, withdraw, reduce scope, renew), firm
decisions, and the decisions log. Every decision asks for a reason, shows a confirmation
step, calls one service; a refusal shows on the form (``lms.errors.show_refusal``).
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic.history import HistoryFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.models import ModelLogEntry

from accreditation import permissions, selectors, services
from accreditation.forms import (
    EvidenceReviewForm,
    FirmDecisionForm,
    GrantForm,
    ReasonForm,
    RenewForm,
    ScopeDecisionForm,
    confirmed,
)
from accreditation.models import OPEN_APPLICATION_STATUSES, Application, AuditFirm, Evidence
from lms.errors import show_refusal

SCOPE_ACTIONS = {
    "suspend": (gettext_lazy("Suspend"), services.accreditation_suspend),
    "reinstate": (gettext_lazy("Reinstate"), services.accreditation_reinstate),
    "withdraw": (gettext_lazy("Withdraw"), services.accreditation_withdraw),
    "reduce": (gettext_lazy("Reduce scope"), services.accreditation_reduce_scope),
}
# The decisions on an accreditation, in the order their buttons show.
DECISIONS = ["suspend", "reinstate", "withdraw", "reduce", "renew"]
FIRM_ACTIONS = {
    "grant": gettext_lazy("Grant accreditation"),
    "renew": gettext_lazy("Renew (one year)"),
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate"),
    "withdraw": gettext_lazy("Withdraw"),
}


def _render(request, template, context):
    # Wagtail's generic template titles the browser tab with ``header_title``.
    title = context.get("page_title", "")
    subtitle = context.get("page_subtitle")
    context = {"header_title": f"{title}: {subtitle}" if subtitle else title, **context}
    return TemplateResponse(request, f"accreditation/admin/{template}.html", context)


def _summary_text(name: str, field, value) -> str:
    if hasattr(value, "all") or isinstance(value, list | tuple):
        items = list(value)
        if name == "scope":
            labels = dict(field.choices)
            return "; ".join(str(labels.get(v, v)) for v in items)
        if name == "elements":
            return "; ".join(
                selectors.element_label(sector=e.sector, country=e.country) for e in items
            )
        return "; ".join(str(v) for v in items)
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _summary(form) -> list[tuple[str, str]]:
    """What the staff member is about to decide, for the confirmation step."""
    return [
        (str(field.label), _summary_text(name, field, value))
        for name, field in form.fields.items()
        if (value := form.cleaned_data.get(name)) not in (None, "", [], ())
    ]


def _confirm(
    request,
    form,
    *,
    subject,
    title: str,
    icon: str = "warning",
    action: str | None = None,
    cancel_url: str | None = None,
    post_url: str | None = None,
):
    """The confirmation step of a decision: what will be recorded, and a button that posts
    the same form again with ``confirm=yes``."""
    context = {
        "page_title": title,
        "header_icon": icon,
        "form": form,
        "summary": _summary(form),
        "subject": str(subject),
        "cancel_url": cancel_url or request.path,
    }
    if action:
        context["action"] = action
    if post_url:
        context["post_url"] = post_url
    return _render(request, "confirm", context)


def _decide(
    request,
    form,
    *,
    act: Callable[[], object],
    done: str,
    subject,
    verb: str,
    action: str | None = None,
    icon: str = "warning",
    done_url: str | None = None,
):
    """The one flow of a decision whose form is valid: the confirmation step first; once
    confirmed, the service (``act``); then a message and back to this page. A refusal is
    shown on the form and None is returned, so the screen renders again with the input."""
    if not confirmed(request.POST):
        title = _("Confirm: %(action)s") % {"action": verb}
        return _confirm(request, form, subject=subject, title=title, icon=icon, action=action)
    try:
        act()
    except services.AccreditationError as error:
        show_refusal(request, error, form=form)
        return None
    messages.success(request, done)
    return redirect(done_url or request.path)


# --- applications ---------------------------------------------------------------------


def _grant(request, application, form):
    data = form.cleaned_data
    return _decide(
        request,
        form,
        subject=application,
        verb=_("grant"),
        icon="tick",
        action="grant",
        act=lambda: services.accreditation_grant(
            application=application,
            scope=form.scope_pairs(),
            actor=request.user,
            reason=data["reason"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        ),
        done=_("The accreditation is granted."),
    )


def _rejection(request, application, form):
    return _decide(
        request,
        form,
        subject=application,
        verb=_("reject"),
        icon="tick",
        action="reject",
        act=lambda: services.application_reject(
            application=application, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        done=_("The application is rejected."),
    )


@permissions.required(permissions.can_review_application)
def application_review(request, pk: int):
    application = get_object_or_404(
        Application.objects.select_related("auditor__user", "firm", "standard_version__standard"),
        pk=pk,
    )
    open_ = application.status in OPEN_APPLICATION_STATUSES
    grant_form = GrantForm(application=application, prefix="grant")
    reject_form = ReasonForm(prefix="reject")
    action = request.POST.get("action") if request.method == "POST" and open_ else None
    response = None
    if action == "grant":
        grant_form = GrantForm(request.POST, application=application, prefix="grant")
        if grant_form.is_valid():
            response = _grant(request, application, grant_form)
    elif action == "reject":
        reject_form = ReasonForm(request.POST, prefix="reject")
        if reject_form.is_valid():
            response = _rejection(request, application, reject_form)
    if response:
        return response
    evidence = application.evidence.select_related("requirement", "reviewed_by").order_by(
        "-uploaded_at"
    )
    return _render(
        request,
        "application_review",
        {
            "page_title": _("Review application"),
            "page_subtitle": str(application),
            "header_icon": "clipboard-list",
            "application": application,
            "requirements": selectors.requirements_status(application=application),
            "evidence": [(e, EvidenceReviewForm(prefix=f"ev{e.pk}")) for e in evidence],
            "grant_form": grant_form,
            "reject_form": reject_form,
            "open": open_,
            "history": application.history.select_related("by"),
            "decisions": selectors.decisions_about(application=application),
            "accreditation": getattr(application, "accreditation", None),
            "affiliation_problem": selectors.affiliation_problem_on(
                application.auditor, application.firm, timezone.localdate()
            ),
        },
    )


@permissions.required(permissions.can_review_application)
def evidence_review(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("application"), pk=pk)
    back = reverse("accreditation_application:review", args=[evidence.application_id])
    if request.method != "POST":
        return redirect(back)
    form = EvidenceReviewForm(request.POST, prefix=f"ev{evidence.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject and give a reason."))
        return redirect(back)
    if not confirmed(request.POST):
        return _confirm(
            request,
            form,
            subject=evidence.description,
            title=_("Confirm the evidence review"),
            icon="tick",
            cancel_url=back,
            post_url=request.path,
        )
    try:
        services.evidence_review(
            evidence=evidence,
            actor=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except services.AccreditationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The evidence review is recorded."))
    return redirect(back)


# --- accreditations -------------------------------------------------------------------


def _scope_decision(request, accreditation, action: str, form, *, done_url: str):
    label, service = SCOPE_ACTIONS[action]
    data = form.cleaned_data
    return _decide(
        request,
        form,
        subject=accreditation,
        verb=label,
        action=action,
        act=lambda: service(
            accreditation=accreditation,
            elements=data["elements"],
            actor=request.user,
            reason=data["reason"],
            effective=data["effective"],
        ),
        done=_("The decision is recorded."),
        done_url=done_url,
    )


def _renewal(request, accreditation, form, *, done_url: str):
    data = form.cleaned_data
    return _decide(
        request,
        form,
        subject=accreditation,
        verb=_("Renew"),
        action="renew",
        act=lambda: services.accreditation_renew(
            accreditation=accreditation,
            elements=data["elements"],
            actor=request.user,
            reason=data["reason"],
            valid_until=data["valid_until"],
        ),
        done=_("The accreditation is renewed."),
        done_url=done_url,
    )


def _decision_label(action: str) -> str:
    return str(SCOPE_ACTIONS[action][0]) if action in SCOPE_ACTIONS else _("Renew")


def _decision_form(accreditation, action: str, data=None):
    if action == "renew":
        return RenewForm(data, accreditation=accreditation, prefix="renew")
    return ScopeDecisionForm(data, accreditation=accreditation, action=action, prefix=action)


def _decision_screen(request, accreditation, action: str):
    """One decision on an accreditation: its form (offering only the scope elements the
    decision may act on), the confirmation step, the service. Back to the accreditation
    once recorded."""
    detail_url = reverse("accreditation_accreditation:detail", args=[accreditation.pk])
    form = _decision_form(accreditation, action)
    if request.method == "POST":
        form = _decision_form(accreditation, action, request.POST)
        if form.is_valid():
            if action == "renew":
                response = _renewal(request, accreditation, form, done_url=detail_url)
            else:
                response = _scope_decision(
                    request, accreditation, action, form, done_url=detail_url
                )
            if response:
                return response
    label = _decision_label(action)
    return _render(
        request,
        "accreditation_decide",
        {
            "page_title": label,
            "page_subtitle": str(accreditation),
            "header_icon": "warning" if action in ("suspend", "withdraw", "reduce") else "success",
            "accreditation": accreditation,
            "action": action,
            "label": label,
            "form": form,
            "offered": bool(form.fields["elements"].queryset),
            "danger": action in ("withdraw", "reduce"),
            "cancel_url": detail_url,
        },
    )


@permissions.required(permissions.can_decide)
def accreditation_detail(request, pk: int):
    """The accreditation's page: scope today, one button per decision open to it (each
    leading to its own form), the decisions log and the status history. A decision posted
    here (``action``) is handled as on its own screen."""
    accreditation = get_object_or_404(selectors.accreditations_with_scope(), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action in DECISIONS:
        return _decision_screen(request, accreditation, action)
    open_ = selectors.decisions_open(accreditation)
    return _render(
        request,
        "accreditation_detail",
        {
            "page_title": _("Accreditation"),
            "page_subtitle": str(accreditation),
            "header_icon": "success",
            "accreditation": accreditation,
            "status_label": selectors.current_status(accreditation).status_label,
            "scope": selectors.scope_on(accreditation),
            "buttons": [
                (
                    key,
                    _decision_label(key),
                    reverse("accreditation_accreditation:decide", args=[accreditation.pk, key]),
                )
                for key in DECISIONS
                if key in open_
            ],
            "decisions": selectors.decisions_about(accreditation=accreditation),
            "changes": [
                (element, list(element.changes.all())) for element in accreditation.scope.all()
            ],
        },
    )


@permissions.required(permissions.can_decide)
def accreditation_decide(request, pk: int, action: str):
    """The form of one decision (``action``: suspend, reinstate, withdraw, reduce, renew)."""
    if action not in DECISIONS:
        raise Http404
    accreditation = get_object_or_404(selectors.accreditations_with_scope(), pk=pk)
    return _decision_screen(request, accreditation, action)


# --- firms ----------------------------------------------------------------------------


def _firm_service(action: str, *, firm, actor, data):
    """Calls the firm service of ``action`` with the fields of the form it uses."""
    common = {"firm": firm, "actor": actor, "reason": data["reason"]}
    if action == "grant":
        return services.firm_accreditation_grant(
            **common, valid_from=data["valid_from"], valid_until=data["valid_until"]
        )
    if action == "renew":
        return services.firm_accreditation_renew(**common, valid_until=data["valid_until"])
    service = {
        "suspend": services.firm_accreditation_suspend,
        "reinstate": services.firm_accreditation_reinstate,
        "withdraw": services.firm_accreditation_withdraw,
    }[action]
    return service(**common, effective=data["effective"])


@permissions.required(permissions.can_decide)
def firm_decisions(request, pk: int):
    firm = get_object_or_404(AuditFirm, pk=pk)
    form = FirmDecisionForm(prefix="firm")
    if request.method == "POST" and request.POST.get("action") in FIRM_ACTIONS:
        action = request.POST["action"]
        form = FirmDecisionForm(request.POST, prefix="firm")
        if form.is_valid():
            response = _decide(
                request,
                form,
                subject=firm,
                verb=FIRM_ACTIONS[action],
                action=action,
                act=lambda: _firm_service(
                    action, firm=firm, actor=request.user, data=form.cleaned_data
                ),
                done=_("The decision is recorded."),
            )
            if response:
                return response
    today = timezone.localdate()
    status, since = selectors.firm_status_on(firm, today)
    return _render(
        request,
        "firm_decisions",
        {
            "page_title": _("Firm accreditation"),
            "page_subtitle": firm.name,
            "header_icon": "group",
            "firm": firm,
            "form": form,
            "actions": list(FIRM_ACTIONS.items()),
            "accredited_today": selectors.firm_accredited_on(firm),
            "problem_today": selectors.firm_problem_on(firm, today),
            "status": status,
            "since": since,
            "periods": firm.periods.order_by("-valid_from"),
            "status_changes": firm.status_changes.select_related("created_by").order_by(
                "-effective_from", "-created_at"
            ),
            "decisions": selectors.decisions_about(firm=firm),
        },
    )


# --- the decisions log ----------------------------------------------------------------


class DecisionsLogFilterSet(HistoryFilterSet):
    """Filters by action (this app's), by who acted and by date."""

    label = django_filters.CharFilter(label=gettext_lazy("Name"), lookup_expr="icontains")

    class Meta:
        model = ModelLogEntry
        fields = []


class DecisionsLogView(ReportView):
    """Every entry this app wrote into the audit log (decisions, submissions, uploads,
    consent changes, imports), newest first, as the staff member may see them: who, when,
    what, about what, why. Read-only: entries are written only by the services."""

    page_title = gettext_lazy("Decisions log")
    header_icon = "history"
    results_template_name = "accreditation/admin/decisions_log_results.html"
    filterset_class = DecisionsLogFilterSet
    index_url_name = "accreditation_decision:index"
    index_results_url_name = "accreditation_decision:index_results"
    export_headings = {
        "timestamp": gettext_lazy("Date/Time"),
        "message": gettext_lazy("Action"),
        "label": gettext_lazy("Name"),
        "object_id": gettext_lazy("ID"),
        "user_display_name": gettext_lazy("User"),
        "comment": gettext_lazy("Reason"),
    }
    list_export = ["timestamp", "message", "label", "object_id", "user_display_name", "comment"]

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_view_decisions_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # Where an entry's object is looked at: its decision or review screen.
    links = {
        "accreditation": "accreditation_accreditation:detail",
        "application": "accreditation_application:review",
        "auditfirm": "accreditation_firm:decisions",
        "auditorprofile": "accreditation_auditor:edit",
        "affiliation": "accreditation_affiliation:detail",
        "firmapplication": "accreditation_firm_application:detail",
    }

    def decorate_paginated_queryset(self, object_list):
        entries = list(object_list)
        for entry in entries:
            model = entry.content_type.model if entry.content_type else None
            url_name = self.links.get(model)
            entry.link = reverse(url_name, args=[entry.object_id]) if url_name else None
        return entries

    def get_queryset(self):
        return (
            ModelLogEntry.objects.viewable_by_user(self.request.user)
            .filter(action__startswith="accreditation.")
            .select_related("user", "content_type")
            .order_by("-timestamp", "-pk")
        )
