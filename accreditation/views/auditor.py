"""The auditor's pages: my applications and accreditations, apply, what is missing,
upload evidence, register consent, and the "Accreditation" panel of the learner dashboard.
Thin views: each calls one service or selector; a refusal is shown with
``lms.errors.show_refusal``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import permissions, selectors, services
from accreditation.forms import ApplicationForm, AuditorProfileForm, EvidenceForm
from accreditation.models import (
    Application,
    AuditorProfile,
    Evidence,
    Requirement,
    StandardVersion,
)
from accreditation.selectors.conduct import conduct_acceptances_of, conduct_to_accept
from accreditation.services.conduct import conduct_accept
from lms.errors import show_refusal
from lms.privacy.access_log import AccessKind, record_access
from lms.storage import safe_extension


def _own_application(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("auditor__user", "firm", "standard_version__standard"),
        pk=pk,
    )
    if not permissions.owns_application(request.user, application):
        raise PermissionDenied
    return application


@login_required
def my_accreditation(request):
    """Everything an auditor needs on one page. Reads only: open applications are moved by
    the services that change their requirements and by the daily run."""
    profile = AuditorProfile.objects.filter(user=request.user).first()
    applications = list(selectors.applications_of(user=request.user))
    rows = []
    for application in applications:
        rows.append(
            {
                "application": application,
                "requirements": selectors.requirements_status(application=application)
                if application.status
                not in (Application.Status.GRANTED, Application.Status.REJECTED)
                else [],
            }
        )
    accreditations = [
        {
            "accreditation": accreditation,
            "scope": selectors.scope_on(accreditation),
            "status": selectors.accreditation_status_on(accreditation),
            "valid_until": selectors.accreditation_valid_until(accreditation),
        }
        for accreditation in selectors.accreditations_of(user=request.user)
    ]
    return render(
        request,
        "accreditation/my_accreditation.html",
        {
            "profile": profile,
            "conduct_prompt": conduct_to_accept(auditor=profile),
            "applications": rows,
            "accreditations": accreditations,
            "versions": selectors.current_versions(),
            "affiliations": selectors.affiliations_of(user=request.user),
        },
    )


@login_required
def apply_choose(request):
    return render(
        request,
        "accreditation/apply_choose.html",
        {"versions": selectors.current_versions()},
    )


@login_required
@permissions.required(permissions.can_apply)
def apply(request, version_pk: int):
    version = get_object_or_404(
        StandardVersion.objects.select_related("standard"),
        pk=version_pk,
        pk__in=selectors.current_versions().values("pk"),
    )
    form = ApplicationForm(
        request.POST or None,
        standard_version=version,
        auditor=AuditorProfile.objects.filter(user=request.user).first(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the acceptance only with the application
                auditor = services.auditor_profile_ensure(user=request.user)
                if form.conduct_version is not None:
                    conduct_accept(auditor=auditor, version=form.conduct_version)
                application = services.application_create(
                    auditor=auditor,
                    firm=form.cleaned_data["firm"],
                    standard_version=version,
                    sectors=form.cleaned_data["sectors"],
                    countries=form.cleaned_data["countries"],
                )
        except services.AccreditationError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(
                request, _("Your application is saved as a draft. Submit it when it is ready.")
            )
            if not selectors.affiliation_counts_today(
                auditor=application.auditor, firm=application.firm
            ):
                messages.info(
                    request,
                    _("%(firm)s is asked to confirm that you audit for it.")
                    % {"firm": application.firm.name},
                )
            return redirect("accreditation:application", pk=application.pk)
    return render(
        request,
        "accreditation/apply.html",
        {
            "form": form,
            "version": version,
            "affiliations": selectors.affiliations_of(user=request.user),
            "conduct_version": form.conduct_version,
            "open_applications": selectors.open_applications_for_standard(
                user=request.user, standard=version.standard
            ),
        },
    )


@login_required
def application_detail(request, pk: int):
    application = _own_application(request, pk)
    return render(
        request,
        "accreditation/application_detail.html",
        {
            "application": application,
            "requirements": selectors.requirements_status(application=application),
            "evidence": application.evidence.select_related("requirement").order_by("-uploaded_at"),
            "history": application.history.all(),
            "decisions": selectors.decisions_about(application=application),
        },
    )


@login_required
@require_POST
def application_submit(request, pk: int):
    application = _own_application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except services.AccreditationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Your application is submitted."))
    return redirect("accreditation:application", pk=application.pk)


@login_required
@require_POST
def application_delete(request, pk: int):
    application = _own_application(request, pk)
    try:
        services.application_withdraw_draft(application=application)
    except services.AccreditationError as error:
        show_refusal(request, error)
        return redirect("accreditation:application", pk=pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("accreditation:mine")


@login_required
def evidence_upload(request, pk: int):
    application = _own_application(request, pk)
    initial = {}
    requirement_pk = request.GET.get("requirement")
    if requirement_pk and requirement_pk.isdigit():
        requirement = Requirement.objects.filter(pk=requirement_pk).first()
        if requirement:
            initial = {"requirement": requirement, "description": requirement.title}
    form = EvidenceForm(
        request.POST or None, request.FILES or None, application=application, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_upload(
                application=application,
                requirement=form.cleaned_data["requirement"],
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except services.AccreditationError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(request, _("Thank you: staff will review your document."))
            return redirect("accreditation:application", pk=application.pk)
    return render(
        request, "accreditation/evidence_upload.html", {"form": form, "application": application}
    )


@login_required
def profile(request):
    """The auditor profile form. Showing it creates nothing: the profile (and the Auditors
    group) is made when the form is saved."""
    auditor = AuditorProfile.objects.filter(user=request.user).first() or AuditorProfile(
        user=request.user
    )
    form = AuditorProfileForm(request.POST or None, instance=auditor)
    if request.method == "POST" and form.is_valid():
        saved = services.auditor_profile_ensure(user=request.user)
        services.auditor_profile_update(
            profile=AuditorProfile.objects.get(pk=saved.pk),  # the form changed ``auditor``
            languages=form.cleaned_data["languages"],
            listed_consent=form.cleaned_data["listed_consent"],
        )
        messages.success(request, _("Your auditor profile is saved."))
        return redirect("accreditation:mine")
    return render(
        request,
        "accreditation/profile.html",
        {
            "form": form,
            "profile": auditor,
            "consent_history": services.register_consent_history(auditor),
            "conduct_prompt": conduct_to_accept(auditor=auditor),
            "conduct_acceptances": conduct_acceptances_of(auditor) if auditor.pk else [],
        },
    )


@login_required
def evidence_file(request, pk: int):
    """Evidence documents (CVs, certificates) are private: the auditor and reviewers only."""
    evidence = get_object_or_404(Evidence.objects.select_related("application__auditor"), pk=pk)
    if not permissions.can_download_evidence(request.user, evidence):
        raise PermissionDenied
    if not evidence.file:  # deleted under the retention schedule (privacy_rights.py)
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_access(request, evidence, evidence.application.auditor.user_id, AccessKind.EVIDENCE_FILE)
    name = (
        evidence.original_filename or f"evidence-{evidence.pk}{safe_extension(evidence.file.name)}"
    )
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


def dashboard_panel(request) -> str | None:
    """The "Accreditation" panel of the learner dashboard (courses' ``dashboard_panel``
    hook): shown to people with an auditor profile only."""
    context = selectors.auditor_dashboard(user=request.user)
    if context is None:
        return None
    return render_to_string("accreditation/dashboard_panel.html", context, request=request)
