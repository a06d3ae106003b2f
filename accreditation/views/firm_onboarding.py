"""Firm onboarding on the site: a certification body applies online (``firm_apply``),
checks and submits its application, pays the application fee (``FirmApplicationFeeView``,
through payments' buy page), and its certificate is served only to the applicant and the
secretariat (``firm_application_certificate``). Firm admins manage the firm's
administrators (``firm_admins``, ``firm_admin_remove``).

Every action calls one service of ``accreditation.services.firm_onboarding``; a refusal is
shown on the page (``lms.errors.show_refusal``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import permissions
from accreditation.forms_onboarding import FirmAdminAddForm, FirmApplicationForm
from accreditation.models import AuditFirm, FirmApplication
from accreditation.selectors import firm_onboarding as selectors
from accreditation.services import AccreditationError
from accreditation.services import firm_onboarding as services
from courses.payments import selectors as payments_selectors
from courses.payments import services as payments_services
from courses.payments.models import Kind
from courses.payments.views import BuyView
from lms.errors import show_refusal
from lms.storage import safe_extension

# --- applying ----------------------------------------------------------------------------


@login_required
@permissions.required(permissions.can_apply_as_firm)
def firm_apply(request: HttpRequest) -> HttpResponse:
    """ "Apply as an audit firm": the form, saved as a draft the applicant then submits."""
    form = FirmApplicationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.firm_application_create(
                applicant=request.user,
                details=form.details(),
                certificate=form.cleaned_data["certificate"],
            )
        except AccreditationError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(
                request, _("Your application is saved. Check it, then submit it below.")
            )
            return redirect("accreditation:firm_application", pk=application.pk)
    return render(
        request,
        "accreditation/firm_onboarding/apply.html",
        {"form": form, "applications": selectors.firm_applications_of(user=request.user)},
    )


def _own_application(request: HttpRequest, pk: int) -> FirmApplication:
    """The person's own application; anyone else's answers 404."""
    return get_object_or_404(selectors.firm_applications_of(user=request.user), pk=pk)


@login_required
def firm_application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    return render(
        request,
        "accreditation/firm_onboarding/detail.html",
        {
            "application": application,
            "fee": selectors.firm_application_fee(application),
            "name_clash": (
                selectors.firm_name_clash(name=application.legal_name, exclude=application)
                if application.is_open
                else None
            ),
        },
    )


@login_required
def firm_application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.status != FirmApplication.Status.DRAFT:
        messages.info(request, _("This application was submitted; it can no longer be changed."))
        return redirect("accreditation:firm_application", pk=application.pk)
    form = FirmApplicationForm(
        request.POST or None, request.FILES or None, instance=application, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.firm_application_update(
                application=application,
                actor=request.user,
                details=form.details(),
                certificate=form.cleaned_data.get("certificate"),
            )
        except AccreditationError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("accreditation:firm_application", pk=application.pk)
    return render(
        request,
        "accreditation/firm_onboarding/apply.html",
        {"form": form, "application": application},
    )


@login_required
@require_POST
def firm_application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The detail page shows everything that is sent; its "Submit" button posts here."""
    application = _own_application(request, pk)
    try:
        services.firm_application_submit(application=application, actor=request.user)
    except AccreditationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("Your application is submitted. The secretariat reviews it once the fee is paid."),
        )
    return redirect("accreditation:firm_application", pk=application.pk)


@login_required
def firm_application_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The firm's accreditation certificate: the applicant and reviewing staff only."""
    application = get_object_or_404(FirmApplication, pk=pk)
    if not permissions.can_download_firm_certificate(request.user, application):
        raise PermissionDenied
    if not application.certificate:
        raise Http404
    try:
        handle = application.certificate.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = application.original_filename or (
        f"certificate-{application.pk}{safe_extension(application.certificate.name)}"
    )
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


class FirmApplicationFeeView(BuyView):
    """``/accreditation/firm-applications/<pk>/fee/``: the application fee of one submitted
    application of the person; payments sells it with the application as the firm fee's
    target (``firm_fee_checkout`` takes any model)."""

    def setup_item(self, request):
        self.application = get_object_or_404(
            selectors.firm_applications_of(user=request.user).filter(
                status=FirmApplication.Status.SUBMITTED
            ),
            pk=self.kwargs["pk"],
        )
        super().setup_item(request)

    def get_item(self):
        return payments_selectors.item_for_firm_fee(kind=Kind.FIRM_APPLICATION)

    def get_context(self) -> dict:
        return {"firm": self.application}

    def place_order(self, form):
        if selectors.firm_application_fee(self.application).is_paid:
            raise AccreditationError(_("The application fee is already paid."))
        return payments_services.firm_fee_checkout(
            buyer=self.request.user,
            firm=self.application,
            item=self.item,
            currency=form.cleaned_data["currency"],
            **form.checkout(),
        )


firm_application_fee = FirmApplicationFeeView.as_view()


# --- the firm's administrators ----------------------------------------------------------


def _managed_firm(request: HttpRequest, firm_pk: int) -> AuditFirm:
    """A firm whose admins the person manages (they are one); any other firm is 404."""
    return get_object_or_404(permissions.administered_firms(request.user), pk=firm_pk)


@login_required
@permissions.required(permissions.can_view_firm_admin_page)
def firm_admins(request: HttpRequest, firm_pk: int) -> HttpResponse:
    """The firm's administrators, and a form to add one by the e-mail of their account."""
    firm = _managed_firm(request, firm_pk)
    form = FirmAdminAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.firm_admin_add(
                firm=firm, email=form.cleaned_data["email"], actor=request.user
            )
        except AccreditationError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(
                request,
                _("%(person)s is now an administrator of %(firm)s; they were told by e-mail.")
                % {"person": person.full_name or person.email, "firm": firm.name},
            )
            return redirect("accreditation:firm_admins", firm_pk=firm.pk)
    admins = firm.admins.order_by("full_name", "email")
    return render(
        request,
        "accreditation/firm_onboarding/admins.html",
        {"firm": firm, "admins": admins, "form": form, "can_remove": admins.count() > 1},
    )


@login_required
@permissions.required(permissions.can_view_firm_admin_page)
def firm_admin_remove(request: HttpRequest, firm_pk: int, user_pk: int) -> HttpResponse:
    """The confirmation page of removing an administrator; only its POST removes."""
    firm = _managed_firm(request, firm_pk)
    person = get_object_or_404(get_user_model(), pk=user_pk, administered_firms=firm)
    if request.method == "POST":  # the page is the confirmation step
        try:
            services.firm_admin_remove(firm=firm, admin=person, actor=request.user)
        except AccreditationError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("%(person)s is no longer an administrator of %(firm)s.")
                % {"person": person.full_name or person.email, "firm": firm.name},
            )
            if person.pk == request.user.pk:
                return redirect("accreditation:firm_admin")
        return redirect("accreditation:firm_admins", firm_pk=firm.pk)
    return render(
        request,
        "accreditation/firm_onboarding/admin_remove.html",
        {
            "firm": firm,
            "person": person,
            "is_self": person.pk == request.user.pk,
            "is_last": firm.admins.count() <= 1,
        },
    )
