"""Staff screens of firm onboarding in the Wagtail admin (Accreditation › Firm
applications): the applications with filters (status, fee paid, search) and pages, one
application with its certificate, fee and decisions, the decision (approve or reject, with
a reason, after a confirmation step like every decision screen of ``views/admin.py``), and
the firms' yearly renewals that are due soon or overdue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation import permissions
from accreditation.forms import confirmed
from accreditation.forms_onboarding import FirmApplicationDecisionForm
from accreditation.models import FirmApplication
from accreditation.selectors import firm_onboarding as selectors
from accreditation.services import AccreditationError
from accreditation.services import firm_onboarding as services
from accreditation.views.admin import _confirm, _render
from lms import audit
from lms.errors import show_refusal

PAGE_SIZE = 50
PAID_FILTERS = [
    ("", gettext_lazy("Any")),
    ("yes", gettext_lazy("Paid")),
    ("no", gettext_lazy("Not paid")),
]


@permissions.required(permissions.can_review_firm_applications)
def firm_application_index(request):
    statuses = dict(selectors.STAFF_STATUS_FILTERS)
    status = request.GET.get("status") or FirmApplication.Status.SUBMITTED
    if status not in statuses:
        status = FirmApplication.Status.SUBMITTED
    paid = request.GET.get("paid") or ""
    if paid not in ("yes", "no"):
        paid = ""
    query = (request.GET.get("q") or "").strip()[:100]
    applications = selectors.firm_applications_for_staff(status=status, paid=paid, query=query)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "firm_applications",
        {
            "page_title": _("Firm applications"),
            "header_icon": "group",
            "page_obj": page,
            "statuses": selectors.STAFF_STATUS_FILTERS,
            "status": status,
            "paid_filters": PAID_FILTERS,
            "paid": paid,
            "query": query,
        },
    )


@permissions.required(permissions.can_review_firm_applications)
def firm_application_detail(request, pk: int):
    application = get_object_or_404(
        FirmApplication.objects.select_related("applicant", "decided_by", "firm"), pk=pk
    )
    form = FirmApplicationDecisionForm(request.POST or None)
    can_decide = application.status == FirmApplication.Status.SUBMITTED
    if request.method == "POST" and can_decide and form.is_valid():
        response = _decide(request, application, form)
        if response is not None:
            return response
    fee = selectors.firm_application_fee(application)
    return _render(
        request,
        "firm_application_detail",
        {
            "page_title": _("Firm application"),
            "page_subtitle": application.legal_name,
            "header_icon": "group",
            "application": application,
            "fee": fee,
            "form": form,
            "can_decide": can_decide,
            "name_clash": (
                selectors.firm_name_clash(name=application.legal_name, exclude=application)
                if application.is_open
                else None
            ),
            "default_valid_until": services.default_valid_until(application, timezone.localdate()),
            "entries": audit.entries_for(application).select_related("user"),
        },
    )


def _decide(request, application: FirmApplication, form):
    """Confirmation first; once confirmed, the service; a refusal shows on the form."""
    data = form.cleaned_data
    approve = data["decision"] == "approve"
    if not confirmed(request.POST):
        verb = _("approve the firm") if approve else _("reject the application")
        return _confirm(
            request,
            form,
            subject=application,
            title=_("Confirm: %(action)s") % {"action": verb},
            icon="tick" if approve else "warning",
        )
    try:
        if approve:
            firm = services.firm_application_approve(
                application=application,
                actor=request.user,
                reason=data["reason"],
                valid_until=data.get("valid_until"),
            )
            messages.success(
                request,
                _("%(firm)s is accredited and the applicant is its administrator.")
                % {"firm": firm.name},
            )
        else:
            services.firm_application_reject(
                application=application, actor=request.user, reason=data["reason"]
            )
            messages.success(request, _("The application is rejected; the applicant is told."))
    except AccreditationError as error:
        show_refusal(request, error, form=form)
        return None
    return redirect(request.path)


@permissions.required(permissions.can_decide)
def firm_renewals(request):
    """Firms whose yearly renewal is due within 60 days, or overdue (``?overdue=1``)."""
    overdue_only = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    firms = selectors.firms_with_renewal_due(on=today, overdue_only=overdue_only)
    page = Paginator(firms, PAGE_SIZE).get_page(request.GET.get("page"))
    renewals = selectors.firm_renewals(page.object_list, today)
    return _render(
        request,
        "firm_renewals",
        {
            "page_title": _("Firm renewals"),
            "header_icon": "date",
            "page_obj": page,
            "renewals": renewals,
            "overdue_only": overdue_only,
            "window_days": selectors.RENEWALS_WINDOW_DAYS,
        },
    )
