"""The member pages on the site: a manager's organisation (colleagues, invitations, their
learning with a CSV) and the invitation link every invited person opens.

A manager reaches only their own organisation: every object in an address is looked up
within it, so another organisation's ids answer 404. The learning pages also serve the
secretariat, for every organisation. GETs only read; every change is a POST after a
confirmation page.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lms import safe_csv
from lms.errors import show_refusal
from lms.members import permissions, selectors, services
from lms.members.forms import ColleagueSearchForm, InviteColleagueForm, LearningFilterForm
from lms.members.learning import learning_of
from lms.models import Invitation, Organisation, User

PAGE_SIZE = 25
CSV_CHUNK = 500


def _managed(request: HttpRequest) -> Organisation:
    organisation = permissions.managed_organisation(request.user)
    if organisation is None:
        raise PermissionDenied(_("This page is for managers of a member organisation."))
    return organisation


def _query_string(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_http_methods(["GET", "HEAD"])
def organisation_home(request: HttpRequest) -> HttpResponse:
    """The manager's page: the organisation, its people and the invitations waiting."""
    organisation = _managed(request)
    form = ColleagueSearchForm(request.GET or None)
    people = selectors.people_of(
        organisation=organisation, query=form.query(), role=form.role_value()
    )
    return render(
        request,
        "lms/members/organisation.html",
        {
            "organisation": organisation,
            "membership_current": organisation.membership_active_on(),
            "form": form,
            "page_obj": Paginator(people, PAGE_SIZE).get_page(request.GET.get("page")),
            "query_string": _query_string(request),
            "searching": bool(form.query() or form.role_value()),
            "invitations": selectors.pending_invitations(organisation=organisation),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    organisation = _managed(request)
    form = InviteColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.colleague_invite(
                manager=request.user, email=form.cleaned_data["email"]
            )
        except services.MembershipError as error:
            show_refusal(request, error, form=form)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return redirect("members:organisation")
    return render(request, "lms/members/invite.html", {"organisation": organisation, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _managed(request)
    invitation = get_object_or_404(Invitation.objects.pending(), pk=pk, organisation=organisation)
    if request.method == "POST":
        try:
            services.invitation_revoke(invitation=invitation, actor=request.user)
        except services.MembershipError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is revoked: its link no longer works.")
                % {"email": invitation.email},
            )
        return redirect("members:organisation")
    return render(
        request,
        "lms/members/confirm.html",
        {
            "title": _("Revoke the invitation?"),
            "message": _(
                "The invitation to %(email)s will stop working. You can send a new one later."
            )
            % {"email": invitation.email},
            "button": _("Revoke the invitation"),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove_colleague(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _managed(request)
    colleague = get_object_or_404(organisation.people.all(), pk=pk)
    if request.method == "POST":
        try:
            services.colleague_remove(manager=request.user, colleague=colleague)
        except services.MembershipError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is no longer linked to %(organisation)s.")
                % {"name": colleague, "organisation": organisation.name},
            )
        return redirect("members:organisation")
    return render(
        request,
        "lms/members/confirm.html",
        {
            "title": _("Remove %(name)s?") % {"name": colleague},
            "message": _(
                "%(name)s (%(email)s) will no longer be linked to %(organisation)s and loses "
                "access to members-only content through it. Their account and learning "
                "records stay."
            )
            % {"name": colleague, "email": colleague.email, "organisation": organisation.name},
            "button": _("Remove from the organisation"),
        },
    )


def _learning_people(request: HttpRequest):
    """The people whose learning the asker may see, filtered as the request asks, and the
    filter form; PermissionDenied for anyone else."""
    scope = permissions.learning_scope(request.user)
    if scope is None:
        raise PermissionDenied(_("This page is for managers of a member organisation."))
    managed = permissions.managed_organisation(request.user)
    form = LearningFilterForm(
        request.GET or None, organisations=None if managed else scope.order_by("name")
    )
    organisations = scope
    if form.organisation_id() is not None:
        organisations = scope.filter(pk=form.organisation_id())
    return selectors.people_in(organisations=organisations, query=form.query()), form, managed


@login_required
@require_http_methods(["GET", "HEAD"])
def learning(request: HttpRequest) -> HttpResponse:
    """What each colleague has learnt: modules started and completed, courses completed,
    certificates; one page at a time, in a fixed number of queries."""
    people, form, managed = _learning_people(request)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/members/learning.html",
        {
            "organisation": managed,
            "form": form,
            "page_obj": page,
            "rows": learning_of(people=page.object_list),
            "query_string": _query_string(request),
            "csv_query": request.GET.urlencode() if request.GET else "",
        },
    )


CSV_HEADER = [
    "organisation",
    "full_name",
    "email",
    "role",
    "kind",
    "title",
    "status",
    "started_on",
    "completed_on",
    "certificate",
    "certificate_revoked",
]


def _csv_rows(people):
    ids = list(people.values_list("pk", flat=True))
    yield CSV_HEADER
    for start in range(0, len(ids), CSV_CHUNK):
        chunk = ids[start : start + CSV_CHUNK]
        group = (
            User.objects.filter(pk__in=chunk)
            .select_related("organisation")
            .order_by("organisation__name", "full_name", "email")
        )
        for summary in learning_of(people=group):
            person = summary.person
            who = [
                person.organisation.name if person.organisation else "",
                person.full_name,
                person.email,
                person.get_organisation_role_display(),
            ]
            if not summary.records:
                yield [*who, "", "", "", "", "", "", ""]
            for record in summary.records:
                yield [
                    *who,
                    record.kind_label,
                    record.title,
                    record.status_label,
                    record.started_on,
                    record.completed_on,
                    record.certificate_code,
                    "yes" if record.certificate_revoked else "",
                ]


@login_required
@require_http_methods(["GET", "HEAD"])
def learning_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The learning page as CSV: one row per record (a person without any has one row)."""
    people, _form, managed = _learning_people(request)
    writer = safe_csv.writer(safe_csv.Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _csv_rows(people)), content_type="text/csv"
    )
    name = slugify(managed.name) if managed else "members"
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="learning-{name}-{day}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The invitation link ----------------------------------------------------------------


def _join_context(request: HttpRequest, invitation: Invitation) -> dict:
    user = request.user
    context: dict = {"invitation": invitation, "organisation": invitation.organisation}
    if user.is_authenticated:
        context["signed_in_as_invitee"] = services.normalise_email(user.email) == invitation.email
        context["leaves"] = (
            user.organisation
            if user.organisation_id and user.organisation_id != invitation.organisation_id
            else None
        )
    else:
        account = selectors.account_for_email(invitation.email)
        context["account_exists"] = account is not None
        if account is not None and not account.has_usable_password():
            context["password_form"] = SetPasswordForm(account)
    return context


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation e-mail. Signed in with the invited address: join. Not
    signed in: sign in, set the password of an account made by an import, or create the
    account (sign-up with the address filled in and taken as confirmed, since the link
    reached it), then come back here to join."""
    invitation = selectors.invitation_by_token(token)
    refusal = services.invitation_refusal(invitation)
    if refusal:
        return render(
            request,
            "lms/members/join_invalid.html",
            {"message": refusal},
            status=404 if invitation is None else 410,
        )
    context = _join_context(request, invitation)
    here = reverse("members:join", args=[token])
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "accept" and context.get("signed_in_as_invitee"):
            try:
                organisation = services.invitation_accept(token=token, person=request.user)
            except services.MembershipError as error:
                show_refusal(request, error)
                return redirect(here)
            welcome = (
                _("Welcome to %(organisation)s. Members-only content is open to you now.")
                if organisation.membership_active_on()
                else _("You have joined %(organisation)s.")
            )
            messages.success(request, welcome % {"organisation": organisation.name})
            return redirect("/")
        if action == "signup" and "account_exists" in context and not context["account_exists"]:
            get_adapter(request).stash_verified_email(request, invitation.email)
            query = urlencode({"email": invitation.email, "next": here})
            return redirect(f"{reverse('account_signup')}?{query}")
        if action == "activate" and "password_form" in context:
            form = SetPasswordForm(context["password_form"].user, request.POST)
            if form.is_valid():
                try:
                    services.invitation_activate_account(
                        token=token, password=form.cleaned_data["new_password1"]
                    )
                except services.MembershipError as error:
                    show_refusal(request, error, form=form)
                else:
                    messages.success(
                        request,
                        _(
                            "Your password is set and you have joined %(organisation)s. "
                            "Sign in with it."
                        )
                        % {"organisation": invitation.organisation.name},
                    )
                    return redirect("account_login")
            context["password_form"] = form
            return render(request, "lms/members/join.html", {**context, "here": here})
        messages.error(request, _("That cannot be done from here. Choose one of the options."))
        return redirect(here)
    return render(request, "lms/members/join.html", {**context, "here": here})
