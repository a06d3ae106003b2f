"""Erasure requests in the Wagtail admin (Settings → Erasure requests): the list, and each
request's page with the plan (what every app would erase and keep) and the two decisions.
Imported from ``lms/privacy/wagtail_hooks.py``. Only staff with
``privacy.decide_erasurerequest`` (the secretariat) see any of it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms import audit
from lms.errors import ServiceError, show_refusal
from lms.privacy import erasure
from lms.privacy.models import ErasureRequest, ErasureStatus

PAGE_SIZE = 25


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I have checked the plan: erase this person now. This cannot be undone."
        ),
        required=True,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Sent to the person and kept in the audit log."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required to reject a request."))
        return reason


def _require_decider(request) -> None:
    if not erasure.can_decide(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "HEAD"])
def request_index(request):
    """Requests, pending first then newest, 25 a page, filtered by status."""
    _require_decider(request)
    status = request.GET.get("status", "")
    requests = ErasureRequest.objects.select_related("user", "decided_by")
    if status in ErasureStatus.values:
        requests = requests.filter(status=status)
    else:
        status = ""
    pending_first = requests.order_by(
        Case(When(status=ErasureStatus.PENDING, then=0), default=1), "-requested_at", "-pk"
    )
    page = Paginator(pending_first, PAGE_SIZE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "privacy/admin/erasure_index.html",
        {
            "page_title": _("Erasure requests"),
            "header_icon": "bin",
            "page_obj": page,
            "status": status,
            "statuses": ErasureStatus.choices,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def request_detail(request, pk: int):
    """One request: who, when, why; the plan while pending; the outcome once done. POST
    ``action=approve`` (with the confirmation ticked) or ``action=reject`` (with a reason)."""
    _require_decider(request)
    erasure_request = get_object_or_404(
        ErasureRequest.objects.select_related("user", "decided_by"), pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    approve_form = ApproveForm(request.POST if action == "approve" else None)
    reject_form = RejectForm(request.POST if action == "reject" else None)
    if action in ("approve", "reject"):
        form = approve_form if action == "approve" else reject_form
        if form.is_valid():
            try:
                if action == "approve":
                    erasure.erasure_request_approve(request=erasure_request, actor=request.user)
                    messages.success(request, _("The person's data has been erased."))
                else:
                    erasure.erasure_request_reject(
                        request=erasure_request,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The request is rejected; the person is told why."))
            except ServiceError as error:
                show_refusal(request, error, form=form)
            else:
                return redirect("privacy_erasure_admin:detail", pk=erasure_request.pk)
            erasure_request.refresh_from_db()
    pending = erasure_request.status == ErasureStatus.PENDING
    return TemplateResponse(
        request,
        "privacy/admin/erasure_detail.html",
        {
            "page_title": _("Erasure request %(pk)s") % {"pk": erasure_request.pk},
            "header_icon": "bin",
            "erasure_request": erasure_request,
            "pending": pending,
            "parts": erasure.parts_for(erasure_request.user) if pending else [],
            "approve_form": approve_form,
            "reject_form": reject_form,
            "self_request": erasure_request.user_id == request.user.pk,
            "history": audit.entries_for(erasure_request).select_related("user"),
        },
    )


class DeciderMenuItem(MenuItem):
    def is_shown(self, request):
        return erasure.can_decide(request.user)


@hooks.register("register_settings_menu_item")
def register_erasure_menu_item():
    return DeciderMenuItem(
        gettext_lazy("Erasure requests"),
        reverse("privacy_erasure_admin:index"),
        icon_name="bin",
        order=910,
    )


@hooks.register("register_admin_urls")
def register_erasure_admin_urls():
    return [
        path(
            "privacy/erasure/",
            include(
                (
                    [
                        path("", request_index, name="index"),
                        path("<int:pk>/", request_detail, name="detail"),
                    ],
                    "privacy_erasure_admin",
                ),
                namespace="privacy_erasure_admin",
            ),
        )
    ]


@hooks.register("register_log_actions")
def register_erasure_log_actions(actions):
    for code, label, message in (
        (
            "privacy.erasure.requested",
            gettext_lazy("Ask for erasure"),
            gettext_lazy("Erasure asked for"),
        ),
        (
            "privacy.erasure.withdrawn",
            gettext_lazy("Withdraw erasure request"),
            gettext_lazy("Erasure request withdrawn"),
        ),
        (
            "privacy.erasure.rejected",
            gettext_lazy("Reject erasure"),
            gettext_lazy("Erasure request rejected"),
        ),
        (
            "privacy.erasure.approved",
            gettext_lazy("Approve erasure"),
            gettext_lazy("Erasure request approved"),
        ),
        (
            "privacy.erasure.done",
            gettext_lazy("Erase person"),
            gettext_lazy("Person erased (pseudonymised)"),
        ),
    ):
        actions.register_action(code, label, message)


# lms's own part (the account) runs last: the other parts still need the real name.
hooks.register(erasure.HOOK, erasure.core_part, order=1000)


def erasure_work_queues(user) -> list:
    """The ``staff_work_queues`` hook (``lms.work_queues``): erasure requests waiting for a
    decision, for staff who decide them; one aggregate query."""
    from django.db.models import Count, Min

    from lms.work_queues import QueueItem

    if not erasure.can_decide(user):
        return []
    waiting = ErasureRequest.objects.filter(status=ErasureStatus.PENDING).aggregate(
        count=Count("pk"), oldest=Min("requested_at")
    )
    return [
        QueueItem(
            label=_("Erasure requests to decide"),
            count=waiting["count"],
            oldest=waiting["oldest"],
            url=reverse("privacy_erasure_admin:index") + f"?status={ErasureStatus.PENDING}",
            app="privacy",
        )
    ]


hooks.register("staff_work_queues", erasure_work_queues, order=50)
