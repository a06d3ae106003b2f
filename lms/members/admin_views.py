"""The secretariat's member screens in the Wagtail admin, beside the organisations
viewset (``lms/wagtail_hooks.py``): an organisation's people (link, unlink, roles,
invitations), the memberships that lapse soon, and the CSV import (upload, preview,
confirm)."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.errors import show_refusal
from lms.members import importer, permissions, selectors, services
from lms.members.forms import (
    ImportConfirmForm,
    ImportUploadForm,
    InviteForm,
    LapsingFilterForm,
    LinkPersonForm,
    RoleForm,
    SearchForm,
)
from lms.models import Invitation, Organisation

PAGE_SIZE = 50
URL_NAMESPACE = "lms_organisation"


def _url(name: str, *args) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _query_string(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_http_methods(["GET", "HEAD", "POST"])
def people(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's people and pending invitations; link an account or invite."""
    _require(permissions.can_view_organisations(request.user))
    organisation = get_object_or_404(Organisation, pk=pk)
    can_manage = permissions.can_manage_members(request.user)
    search = SearchForm(request.GET or None)
    link_form = LinkPersonForm(prefix="link")
    invite_form = InviteForm(prefix="invite")
    if request.method == "POST":
        _require(can_manage)
        action = request.POST.get("action")
        if action == "link":
            link_form = LinkPersonForm(request.POST, prefix="link")
            if link_form.is_valid() and _link(request, organisation, link_form):
                return redirect(_url("people", organisation.pk))
        elif action == "invite":
            invite_form = InviteForm(request.POST, prefix="invite")
            if invite_form.is_valid() and _invite(request, organisation, invite_form):
                return redirect(_url("people", organisation.pk))
        else:
            messages.error(request, _("Choose an action."))
            return redirect(_url("people", organisation.pk))
    people = selectors.people_of(organisation=organisation, query=search.query())
    return TemplateResponse(
        request,
        "lms/members/admin/people.html",
        {
            "page_title": _("People of %(organisation)s") % {"organisation": organisation.name},
            "header_icon": "group",
            "organisation": organisation,
            "search": search,
            "page_obj": Paginator(people, PAGE_SIZE).get_page(request.GET.get("page")),
            "query_string": _query_string(request),
            "invitations": selectors.pending_invitations(organisation=organisation),
            "can_manage": can_manage,
            "link_form": link_form,
            "invite_form": invite_form,
            "role_choices": RoleForm.base_fields["role"].choices,
            "membership_current": organisation.membership_active_on(),
        },
    )


def _link(request: HttpRequest, organisation: Organisation, form: LinkPersonForm) -> bool:
    person = selectors.account_for_email(form.cleaned_data["email"])
    if person is None:
        form.add_error("email", _("No account uses this address. Send an invitation instead."))
        return False
    try:
        changed = services.member_link(
            organisation=organisation,
            person=person,
            role=form.cleaned_data["role"],
            actor=request.user,
        )
    except services.MembershipError as error:
        show_refusal(request, error, form=form)
        return False
    if changed:
        messages.success(
            request,
            _("%(name)s is linked to %(organisation)s.")
            % {"name": person, "organisation": organisation.name},
        )
    else:
        messages.info(request, _("%(name)s was already linked in that role.") % {"name": person})
    return True


def _invite(request: HttpRequest, organisation: Organisation, form: InviteForm) -> bool:
    try:
        invitation = services.invitation_send(
            organisation=organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            actor=request.user,
        )
    except services.MembershipError as error:
        show_refusal(request, error, form=form)
        return False
    messages.success(
        request, _("An invitation is on its way to %(email)s.") % {"email": invitation.email}
    )
    return True


@require_POST
def set_role(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    _require(permissions.can_manage_members(request.user))
    organisation = get_object_or_404(Organisation, pk=pk)
    person = get_object_or_404(organisation.people.all(), pk=person_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose member or manager."))
    else:
        try:
            if services.member_set_role(
                organisation=organisation,
                person=person,
                role=form.cleaned_data["role"],
                actor=request.user,
            ):
                messages.success(request, _("%(name)s's role is changed.") % {"name": person})
        except services.MembershipError as error:
            show_refusal(request, error)
    return redirect(_url("people", organisation.pk))


@require_http_methods(["GET", "HEAD", "POST"])
def unlink(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """Confirm, then end a person's link with the organisation."""
    _require(permissions.can_manage_members(request.user))
    organisation = get_object_or_404(Organisation, pk=pk)
    person = get_object_or_404(organisation.people.all(), pk=person_pk)
    if request.method == "POST":
        try:
            services.member_unlink(organisation=organisation, person=person, actor=request.user)
        except services.MembershipError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is no longer linked to %(organisation)s.")
                % {"name": person, "organisation": organisation.name},
            )
        return redirect(_url("people", organisation.pk))
    return TemplateResponse(
        request,
        "lms/members/admin/confirm.html",
        {
            "page_title": _("Unlink %(name)s?") % {"name": person},
            "header_icon": "group",
            "message": _(
                "%(name)s (%(email)s) will no longer be linked to %(organisation)s and loses "
                "members-only access through it. The account and its learning records stay."
            )
            % {"name": person, "email": person.email, "organisation": organisation.name},
            "button": _("Unlink"),
            "back_url": _url("people", organisation.pk),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def revoke_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    _require(permissions.can_manage_members(request.user))
    organisation = get_object_or_404(Organisation, pk=pk)
    invitation = get_object_or_404(
        Invitation.objects.pending(), pk=invitation_pk, organisation=organisation
    )
    if request.method == "POST":
        try:
            services.invitation_revoke(invitation=invitation, actor=request.user)
        except services.MembershipError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
            )
        return redirect(_url("people", organisation.pk))
    return TemplateResponse(
        request,
        "lms/members/admin/confirm.html",
        {
            "page_title": _("Revoke the invitation?"),
            "header_icon": "mail",
            "message": _("The invitation to %(email)s will stop working.")
            % {"email": invitation.email},
            "button": _("Revoke the invitation"),
            "back_url": _url("people", organisation.pk),
        },
    )


@require_http_methods(["GET", "HEAD"])
def lapsing(request: HttpRequest) -> HttpResponse:
    """The memberships that lapse in the next 90 days, soonest first."""
    _require(permissions.can_view_organisations(request.user))
    today = timezone.localdate()
    form = LapsingFilterForm(request.GET or None)
    organisations = selectors.lapsing_memberships(today=today)
    if form.query():
        organisations = organisations.filter(name__icontains=form.query())
    if form.membership_class_value():
        organisations = organisations.filter(membership_class=form.membership_class_value())
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    for organisation in page.object_list:
        organisation.days_left = (organisation.membership_active_until - today).days
    return TemplateResponse(
        request,
        "lms/members/admin/lapsing.html",
        {
            "page_title": _("Memberships lapsing in the next %(days)d days")
            % {"days": selectors.LAPSING_WINDOW_DAYS},
            "header_icon": "date",
            "form": form,
            "page_obj": page,
            "query_string": _query_string(request),
            "today": today,
        },
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@require_http_methods(["GET", "HEAD", "POST"])
def import_members(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, see what it would change (nothing is written), then confirm."""
    _require(permissions.can_import_members(request.user))
    context = {
        "page_title": _("Import members"),
        "header_icon": "upload",
        "columns": importer.COLUMNS,
        "upload_form": ImportUploadForm(),
    }
    if request.method == "POST" and request.POST.get("action") == "confirm":
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid():
            messages.error(request, _("The previewed file did not come back. Upload it again."))
            return redirect(_url("import"))
        text, filename = confirm.cleaned_data["text"], confirm.cleaned_data["filename"]
        result = importer.import_members(text=text, actor=request.user, filename=filename)
        if not result.errors:
            messages.success(
                request,
                _(
                    "Imported %(people)d people into %(organisations)d organisations; "
                    "%(invitations)d invitations sent."
                )
                % {
                    "people": result.people,
                    "organisations": result.organisations,
                    "invitations": result.invitations,
                },
            )
            return redirect(_url("index"))
        context.update(result=result, filename=filename, digest=_digest(text))
        context.update(result.counts())
        return TemplateResponse(request, "lms/members/admin/import.html", context)
    if request.method == "POST":
        upload = ImportUploadForm(request.POST, request.FILES)
        context["upload_form"] = upload
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                if file.size > importer.MAX_FILE_BYTES:
                    raise importer.ImportFileError(
                        _("The file is larger than %(limit)d kB. Split it into smaller files.")
                        % {"limit": importer.MAX_FILE_BYTES // 1024}
                    )
                text = importer.decode(file.read(importer.MAX_FILE_BYTES + 1))
            except importer.ImportFileError as error:
                show_refusal(request, error, form=upload)
            else:
                filename = (file.name or "")[:255]
                result = importer.import_members(
                    text=text, dry_run=True, actor=request.user, filename=filename
                )
                context.update(
                    result=result,
                    filename=filename,
                    digest=_digest(text),
                    confirm_form=ImportConfirmForm(initial={"text": text, "filename": filename}),
                    **result.counts(),
                )
    return TemplateResponse(request, "lms/members/admin/import.html", context)
