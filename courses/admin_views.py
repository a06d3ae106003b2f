"""Back-office views of courses in the Wagtail admin: the assignment marking queue (staff
accept or ask for revision) and revoking a certificate. Each declares its permission
(``courses.permissions``); a service's refusal shows on the form that was sent."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from courses import permissions, selectors, services
from courses.forms import MarkSubmissionForm
from courses.models import Certificate, Submission, SubmissionStatus
from lms.errors import show_refusal
from lms.privacy.access_log import AccessKind, record_access


@permissions.required(permissions.can_mark_submissions)
def marking_queue(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "waiting")
    if show == "all":
        qs = Submission.objects.select_related("assignment", "user", "reviewed_by")
    else:
        qs = selectors.submissions_to_mark()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "courses/admin/marking_queue.html",
        {
            "page_title": _("Assignment marking"),
            "header_icon": "tasks",
            "page_obj": page,
            "show": show,
            "waiting_count": selectors.submissions_to_mark().count(),
        },
    )


@permissions.required(permissions.can_mark_submissions)
def mark_submission(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.select_related("assignment", "user", "reviewed_by"), pk=pk
    )
    form = MarkSubmissionForm(request.POST or None)
    marking = request.method == "POST" and submission.status == SubmissionStatus.SUBMITTED
    if marking and form.is_valid():
        try:
            services.submission_mark(
                submission=submission,
                reviewer=request.user,
                accepted=form.cleaned_data["decision"] == "accepted",
                feedback=form.cleaned_data["feedback"],
            )
        except services.CourseError as refusal:  # marked meanwhile by someone else
            show_refusal(request, refusal, form=form)
        else:
            messages.success(request, _("Marked. The learner sees the result now."))
            return redirect(reverse("courses_admin:marking_queue"))
    history = selectors.submissions_of(user=submission.user, assignment=submission.assignment)
    record_access(request, submission, submission.user_id, AccessKind.SUBMISSION_FILE)
    return TemplateResponse(
        request,
        "courses/admin/mark_submission.html",
        {
            "page_title": _("Mark: %(title)s") % {"title": submission.assignment.title},
            "header_icon": "tasks",
            "submission": submission,
            "form": form,
            "history": history.exclude(pk=submission.pk),
            "can_mark": submission.status == SubmissionStatus.SUBMITTED,
        },
    )


class RevokeCertificateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


@permissions.required(permissions.can_revoke_certificates)
def revoke_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff withdraw a certificate of completion; the verification page then says so."""
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeCertificateForm(request.POST or None)
    if request.method == "POST" and certificate.is_valid and form.is_valid():
        services.certificate_revoke(
            certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The certificate is revoked."))
        return redirect(reverse("wagtailsnippets_courses_certificate:list"))
    return TemplateResponse(
        request,
        "courses/admin/revoke_certificate.html",
        {
            "page_title": _("Revoke certificate"),
            "header_icon": "doc-full-inverse",
            "certificate": certificate,
            "form": form,
        },
    )
