"""Identity in the Wagtail admin: member organisations (create, edit, search, filter),
their people (link, unlink, roles, invitations), the memberships that lapse soon and the
members CSV import, under one "Members" menu; the audit actions of ``lms.organisation.*``
and ``lms.member.*``; and the manager's panel on the learner dashboard
(``dashboard_panel``, see ``courses/dashboard.py``); and, on the admin dashboard, the
work queues that wait for staff (``lms.work_queues``, filled by each app's
``staff_work_queues`` hook).

Organisations change only through ``lms.members.services``, so each change writes one
audit entry with its own action code (shown in the organisation's history).
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

import lms.privacy_rights  # noqa: F401  (its part of "download my data")
from lms.members import admin_views, permissions, selectors, services
from lms.models import Organisation
from lms.work_queues import work_queues

MEMBERSHIP_FILTERS = [
    ("current", _("Current")),
    ("lapsing", _("Lapsing in the next 90 days")),
    ("lapsed", _("Lapsed")),
    ("not_begun", _("Not begun")),
]


class OrganisationFilterSet(WagtailFilterSet):
    membership = django_filters.ChoiceFilter(
        label=_("Membership today"),
        choices=MEMBERSHIP_FILTERS,
        method="filter_membership",
        empty_label=_("Any"),
    )

    class Meta:
        model = Organisation
        fields = ["membership_class", "status", "country"]

    def filter_membership(self, queryset, name, value):
        today = timezone.localdate()
        if value == "current":
            return queryset.active_on(today)
        if value == "lapsing":
            window = datetime.timedelta(days=selectors.LAPSING_WINDOW_DAYS)
            return queryset.lapsing_between(today, today + window)
        if value == "lapsed":
            return queryset.filter(membership_active_until__lte=today)
        if value == "not_begun":
            return queryset.filter(
                Q(membership_active_from__isnull=True) | Q(membership_active_from__gt=today)
            )
        return queryset


class PeopleColumn(Column):
    """The number of people, linking to the organisation's people screen."""

    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("lms_organisation:people", args=[instance.pk]),
            getattr(instance, "people_count", 0),
        )


class OrganisationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(people_count=Count("people"))

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(
                _("Lapsing soon"), url=reverse("lms_organisation:lapsing"), icon_name="date"
            )
        )
        if permissions.can_import_members(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Import CSV"), url=reverse("lms_organisation:import"), icon_name="upload"
                )
            )
        return buttons


def _fields(form) -> dict:
    return {
        name: form.cleaned_data[name]
        for name in services.ORGANISATION_FIELDS
        if name in form.cleaned_data
    }


class OrganisationCreateView(CreateView):
    def save_instance(self):
        return services.organisation_create(actor=self.request.user, **_fields(self.form))


class OrganisationEditView(EditView):
    def save_instance(self):
        services.organisation_update(
            organisation=self.object, actor=self.request.user, **_fields(self.form)
        )
        return Organisation.objects.get(pk=self.object.pk)


class OrganisationDeleteView(DeleteView):
    def delete_action(self):
        services.organisation_delete(organisation=self.object, actor=self.request.user)


def _membership_today(organisation) -> str:
    return organisation.membership_state()


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    add_to_admin_menu = False
    index_view_class = OrganisationIndexView
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    delete_view_class = OrganisationDeleteView
    filterset_class = OrganisationFilterSet
    search_fields = ["name"]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("membership_class"), FieldPanel("country")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("membership_active_from"), FieldPanel("membership_active_until")]
                ),
                FieldPanel("status"),
            ],
            heading=_("Membership"),
        ),
    ]

    @property
    def list_display(self):
        return [
            "name",
            Column(
                "membership_class",
                label=_("Membership class"),
                accessor="get_membership_class_display",
                sort_key="membership_class",
            ),
            Column("country", label=_("Country"), accessor="country.name", sort_key="country"),
            "membership_active_from",
            "membership_active_until",
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column("membership", label=_("Membership today"), accessor=_membership_today),
            PeopleColumn("people_count", label=_("People")),
        ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("people/<int:pk>/", admin_views.people, name="people"),
            path("people/<int:pk>/role/<int:person_pk>/", admin_views.set_role, name="set_role"),
            path("people/<int:pk>/unlink/<int:person_pk>/", admin_views.unlink, name="unlink"),
            path(
                "people/<int:pk>/invitations/<int:invitation_pk>/revoke/",
                admin_views.revoke_invitation,
                name="revoke_invitation",
            ),
            path("lapsing/", admin_views.lapsing, name="lapsing"),
            path("import/", admin_views.import_members, name="import"),
        ]


organisation_viewset = OrganisationViewSet(
    admin_views.URL_NAMESPACE, url_prefix="members/organisations"
)


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return organisation_viewset


class _PermissionMenuItem(MenuItem):
    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)


@hooks.register("register_admin_menu_item")
def register_members_menu():
    items = [
        _PermissionMenuItem(
            _("Organisations"),
            reverse("lms_organisation:index"),
            icon_name="group",
            order=100,
            allowed=permissions.can_view_organisations,
        ),
        _PermissionMenuItem(
            _("Lapsing memberships"),
            reverse("lms_organisation:lapsing"),
            icon_name="date",
            order=200,
            allowed=permissions.can_view_organisations,
        ),
        _PermissionMenuItem(
            _("Import members"),
            reverse("lms_organisation:import"),
            icon_name="upload",
            order=300,
            allowed=permissions.can_import_members,
        ),
    ]
    return SubmenuMenuItem(_("Members"), Menu(items=items), icon_name="group", order=150)


class LapsingMembershipsPanel(Component):
    """On the admin dashboard: how many memberships lapse in the next 90 days."""

    name = "lapsing_memberships"
    template_name = "lms/members/admin/lapsing_panel.html"
    order = 210

    def get_context_data(self, parent_context):
        lapsing = selectors.lapsing_memberships()
        return {
            "count": lapsing.count(),
            "soonest": list(lapsing[:5]),
            "days": selectors.LAPSING_WINDOW_DAYS,
            "url": reverse("lms_organisation:lapsing"),
        }


@hooks.register("construct_homepage_panels")
def add_lapsing_memberships_panel(request, panels):
    if permissions.can_view_organisations(request.user):
        panels.append(LapsingMembershipsPanel())


@hooks.register("register_log_actions")
def register_member_log_actions(actions):
    actions.register_action(
        "lms.organisation.created", _("Create organisation"), _("Organisation created")
    )
    actions.register_action(
        "lms.organisation.updated", _("Change organisation"), _("Organisation changed")
    )
    actions.register_action(
        "lms.organisation.suspended", _("Suspend organisation"), _("Organisation suspended")
    )
    actions.register_action(
        "lms.organisation.reinstated", _("Reinstate organisation"), _("Organisation reinstated")
    )
    actions.register_action(
        "lms.organisation.deleted", _("Delete organisation"), _("Organisation deleted")
    )
    actions.register_action("lms.member.linked", _("Link person"), _("Person linked"))
    actions.register_action("lms.member.unlinked", _("Unlink person"), _("Person unlinked"))
    actions.register_action("lms.member.role_changed", _("Change role"), _("Person's role changed"))
    actions.register_action("lms.member.updated", _("Change person"), _("Person's name changed"))
    actions.register_action("lms.member.invited", _("Invite"), _("Invitation sent"))
    actions.register_action(
        "lms.member.invitation_revoked", _("Revoke invitation"), _("Invitation revoked")
    )
    actions.register_action(
        "lms.member.invitation_accepted", _("Accept invitation"), _("Invitation accepted")
    )


@hooks.register("dashboard_panel", order=10)
def organisation_manager_panel(request) -> str | None:
    """A manager's way to their organisation's page, on the learner dashboard."""
    organisation = permissions.managed_organisation(request.user)
    if organisation is None:
        return None
    return render_to_string(
        "lms/members/dashboard_panel.html",
        {
            "organisation": organisation,
            "people": organisation.people.count(),
            "invitations": selectors.pending_invitations(organisation=organisation).count(),
        },
        request=request,
    )


class WorkQueuesPanel(Component):
    """On the admin dashboard: what waits for this person (``lms.work_queues``), each queue
    with its count and a link to the list where they act on it."""

    name = "work_queues"
    template_name = "lms/admin/work_queues_panel.html"
    order = 50

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context):
        return {"items": self.items, "waiting": any(item.count for item in self.items)}


@hooks.register("construct_homepage_panels")
def add_work_queues_panel(request, panels):
    items = work_queues(request.user)
    if items:  # staff without any queue they may act on see no panel
        panels.append(WorkQueuesPanel(items))
