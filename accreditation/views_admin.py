"""Staff screens in the Wagtail admin: application review (requirements, evidence, grant,
reject), accreditation decisions (suspend, reinstate, withdraw, reduce scope, renew) and firm
decisions. Every decision asks for a reason, shows a confirmation step, calls one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

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
from accreditation.models import Application, AuditFirm, Evidence

SCOPE_ACTIONS = {
    "suspend": (gettext_lazy("Suspend"), services.accreditation_suspend),
    "reinstate": (gettext_lazy("Reinstate"), services.accreditation_reinstate),
    "withdraw": (gettext_lazy("Withdraw"), services.accreditation_withdraw),
    "reduce": (gettext_lazy("Reduce scope"), services.accreditation_reduce_scope),
}
FIRM_ACTIONS = {
    "grant": gettext_lazy("Grant accreditation"),
    "renew": gettext_lazy("Renew (one year)"),
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate"),
    "withdraw": gettext_lazy("Withdraw"),
}


def _render(request, template, context):
    return TemplateResponse(request, f"accreditation/admin/{template}.html", context)


def _summary(form) -> list[tuple[str, str]]:
    """What the staff member is about to decide, for the confirmation step."""
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if hasattr(value, "all") or isinstance(value, list | tuple):
            items = list(value)
            if name == "scope":
                labels = dict(field.choices)
                text = "; ".join(str(labels.get(v, v)) for v in items)
            elif name == "elements":
                text = "; ".join(
                    f"{e.sector.name} — {countries.name(e.country) or e.country}" for e in items
                )
            else:
                text = "; ".join(str(v) for v in items)
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            text = str(dict(field.choices).get(value, value))
        else:
            text = str(value)
        rows.append((str(field.label), text))
    return rows


# --- applications ---------------------------------------------------------------------


def application_review(request, pk: int):
    if not permissions.can_review_application(request.user):
        raise PermissionDenied
    application = get_object_or_404(
        Application.objects.select_related("auditor__user", "firm", "standard_version__standard"),
        pk=pk,
    )
    open_ = application.status in services.OPEN_STATUSES
    grant_form = GrantForm(application=application, prefix="grant")
    reject_form = ReasonForm(prefix="reject")
    step = None
    if request.method == "POST" and open_:
        action = request.POST.get("action")
        if action == "grant":
            grant_form = GrantForm(request.POST, application=application, prefix="grant")
            if grant_form.is_valid():
                if not confirmed(request.POST):
                    step = ("grant", grant_form)
                else:
                    try:
                        services.accreditation_grant(
                            application=application,
                            scope=grant_form.scope_pairs(),
                            actor=request.user,
                            reason=grant_form.cleaned_data["reason"],
                            valid_from=grant_form.cleaned_data["valid_from"],
                            valid_until=grant_form.cleaned_data["valid_until"],
                        )
                    except services.AccreditationError as exc:
                        grant_form.add_error(None, exc)
                    else:
                        messages.success(request, _("The accreditation is granted."))
                        return redirect(request.path)
        elif action == "reject":
            reject_form = ReasonForm(request.POST, prefix="reject")
            if reject_form.is_valid():
                if not confirmed(request.POST):
                    step = ("reject", reject_form)
                else:
                    try:
                        services.application_reject(
                            application=application,
                            actor=request.user,
                            reason=reject_form.cleaned_data["reason"],
                        )
                    except services.AccreditationError as exc:
                        reject_form.add_error(None, exc)
                    else:
                        messages.success(request, _("The application is rejected."))
                        return redirect(request.path)
    if step:
        action, form = step
        return _render(
            request,
            "confirm",
            {
                "page_title": _("Confirm: %(action)s")
                % {"action": _("grant") if action == "grant" else _("reject")},
                "header_icon": "tick",
                "action": action,
                "form": form,
                "summary": _summary(form),
                "subject": str(application),
                "cancel_url": request.path,
            },
        )
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
            "decisions": application.decisions.select_related("actor").order_by("-at"),
            "accreditation": getattr(application, "accreditation", None),
        },
    )


def evidence_review(request, pk: int):
    if not permissions.can_review_application(request.user):
        raise PermissionDenied
    evidence = get_object_or_404(Evidence.objects.select_related("application"), pk=pk)
    back = reverse("accreditation_application:review", args=[evidence.application_id])
    if request.method != "POST":
        return redirect(back)
    form = EvidenceReviewForm(request.POST, prefix=f"ev{evidence.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject and give a reason."))
        return redirect(back)
    if not confirmed(request.POST):
        return _render(
            request,
            "confirm",
            {
                "page_title": _("Confirm the evidence review"),
                "header_icon": "tick",
                "form": form,
                "summary": _summary(form),
                "subject": evidence.description,
                "cancel_url": back,
                "post_url": request.path,
            },
        )
    try:
        services.evidence_review(
            evidence=evidence,
            actor=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except services.AccreditationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The evidence review is recorded."))
    return redirect(back)


# --- accreditations -------------------------------------------------------------------


def accreditation_detail(request, pk: int):
    if not permissions.can_decide(request.user):
        raise PermissionDenied
    accreditation = get_object_or_404(selectors._accreditation_queryset(), pk=pk)
    forms = {
        key: ScopeDecisionForm(accreditation=accreditation, prefix=key) for key in SCOPE_ACTIONS
    }
    renew_form = RenewForm(accreditation=accreditation, prefix="renew")
    if request.method == "POST":
        action = request.POST.get("action")
        if action in SCOPE_ACTIONS:
            label, service = SCOPE_ACTIONS[action]
            form = ScopeDecisionForm(request.POST, accreditation=accreditation, prefix=action)
            forms[action] = form
            if form.is_valid():
                if not confirmed(request.POST):
                    return _confirm(request, action, label, form, accreditation)
                try:
                    service(
                        accreditation=accreditation,
                        elements=form.cleaned_data["elements"],
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        effective=form.cleaned_data["effective"],
                    )
                except services.AccreditationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("The decision is recorded."))
                    return redirect(request.path)
        elif action == "renew":
            renew_form = RenewForm(request.POST, accreditation=accreditation, prefix="renew")
            if renew_form.is_valid():
                if not confirmed(request.POST):
                    return _confirm(request, "renew", _("Renew"), renew_form, accreditation)
                try:
                    services.accreditation_renew(
                        accreditation=accreditation,
                        elements=renew_form.cleaned_data["elements"],
                        actor=request.user,
                        reason=renew_form.cleaned_data["reason"],
                        valid_until=renew_form.cleaned_data["valid_until"],
                    )
                except services.AccreditationError as exc:
                    renew_form.add_error(None, exc)
                else:
                    messages.success(request, _("The accreditation is renewed."))
                    return redirect(request.path)
    return _render(
        request,
        "accreditation_detail",
        {
            "page_title": _("Accreditation"),
            "page_subtitle": str(accreditation),
            "header_icon": "success",
            "accreditation": accreditation,
            "scope": selectors.scope_on(accreditation),
            "forms": [(key, SCOPE_ACTIONS[key][0], form) for key, form in forms.items()],
            "renew_form": renew_form,
            "decisions": selectors.decisions_for(accreditation=accreditation),
            "changes": [
                (element, list(element.changes.all())) for element in accreditation.scope.all()
            ],
        },
    )


def _confirm(request, action, label, form, subject):
    return _render(
        request,
        "confirm",
        {
            "page_title": _("Confirm: %(action)s") % {"action": label},
            "header_icon": "warning",
            "action": action,
            "form": form,
            "summary": _summary(form),
            "subject": str(subject),
            "cancel_url": request.path,
        },
    )


# --- firms ----------------------------------------------------------------------------


def firm_decisions(request, pk: int):
    if not permissions.can_decide(request.user):
        raise PermissionDenied
    firm = get_object_or_404(AuditFirm, pk=pk)
    form = FirmDecisionForm(prefix="firm")
    if request.method == "POST" and request.POST.get("action") in FIRM_ACTIONS:
        action = request.POST["action"]
        form = FirmDecisionForm(request.POST, prefix="firm")
        if form.is_valid():
            if not confirmed(request.POST):
                return _confirm(request, action, FIRM_ACTIONS[action], form, firm)
            data = form.cleaned_data
            common = {"firm": firm, "actor": request.user, "reason": data["reason"]}
            try:
                if action == "grant":
                    services.firm_accreditation_grant(
                        **common, valid_from=data["valid_from"], valid_until=data["valid_until"]
                    )
                elif action == "renew":
                    services.firm_accreditation_renew(**common, valid_until=data["valid_until"])
                else:
                    service = {
                        "suspend": services.firm_accreditation_suspend,
                        "reinstate": services.firm_accreditation_reinstate,
                        "withdraw": services.firm_accreditation_withdraw,
                    }[action]
                    service(**common, effective=data["effective"])
            except services.AccreditationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect(request.path)
    status, since = selectors.firm_status_on(firm, timezone.localdate())
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
            "problem_today": selectors.firm_problem_on(firm, timezone.localdate()),
            "status": status,
            "since": since,
            "periods": firm.periods.order_by("-valid_from"),
            "status_changes": firm.status_changes.select_related("created_by").order_by(
                "-effective_from", "-created_at"
            ),
            "decisions": firm.decisions.select_related("actor").order_by("-at"),
        },
    )
