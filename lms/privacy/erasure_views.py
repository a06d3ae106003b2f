"""The person's side of erasure: the confirmation page that asks for it, and taking a
pending request back. Staff decide in the admin (``erasure_admin``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.errors import ServiceError, show_refusal
from lms.privacy import erasure
from lms.privacy.models import ErasureRequest, ErasureStatus


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the staff who decide read it; it is deleted once you are erased."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be erased for good."),
        required=True,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erasure_request(request: HttpRequest) -> HttpResponse:
    """GET explains what erasure means and asks to confirm (it writes nothing); POST
    records the request."""
    pending = erasure.pending_request_of(request.user)
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            erasure.erasure_request_create(user=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(
                request,
                _("Your request is recorded. We will e-mail you once staff have decided."),
            )
            return redirect("account_profile")
    return render(request, "privacy/erasure_request.html", {"form": form, "pending": pending})


@login_required
@require_POST
def erasure_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Takes back one's own pending request (someone else's is a 404)."""
    own = get_object_or_404(ErasureRequest, pk=pk, user=request.user, status=ErasureStatus.PENDING)
    try:
        erasure.erasure_request_withdraw(request=own, user=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Your request for erasure is withdrawn."))
    return redirect("account_profile")
