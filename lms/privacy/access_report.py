"""Reports → Personal data access: the data-protection officer's view of who saw what.

Every row of :class:`~lms.privacy.models.PersonalDataAccess` (written by
``lms.privacy.access_log.record_access``), newest first, 50 a page, filtered by who looked,
whose data, what kind and dates; exported as CSV or XLSX (formulas neutralised, see
``lms.safe_csv``). Shown, in the menu and at its address, only to people with
``privacy.view_personaldataaccess``: the group "Data protection officer" (migration
privacy 0003) and superusers. Imported from ``lms/privacy/wagtail_hooks.py``.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet

from lms.models import User
from lms.privacy.access_log import can_view_access_log
from lms.privacy.models import AccessKind, PersonalDataAccess


def _viewers():
    return User.objects.filter(
        pk__in=PersonalDataAccess.objects.values("viewer_id").distinct()
    ).order_by("full_name", "email")


class AccessFilterSet(WagtailFilterSet):
    viewer = django_filters.ModelChoiceFilter(
        label=_("Who"), queryset=lambda request: _viewers(), empty_label=_("Anyone")
    )
    owner = django_filters.CharFilter(label=_("Whose data (name or e-mail)"), method="filter_owner")
    kind = django_filters.ChoiceFilter(
        label=_("What"), choices=AccessKind.choices, empty_label=_("Any")
    )
    at = django_filters.DateFromToRangeFilter(label=_("When"), widget=DateRangePickerWidget)

    class Meta:
        model = PersonalDataAccess
        fields = ["viewer", "owner", "kind", "at"]

    def filter_owner(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(owner__email__icontains=value) | Q(owner__full_name__icontains=value)
        )


class AccessReportView(ReportView):
    page_title = _("Personal data access")
    header_icon = "view"
    results_template_name = "privacy/admin/access_report_results.html"
    filterset_class = AccessFilterSet
    index_url_name = "privacy_access:index"
    index_results_url_name = "privacy_access:index_results"
    export_headings = {
        "at": _("When"),
        "viewer_display": _("Who"),
        "viewer_email": _("Who (e-mail)"),
        "kind_display": _("What"),
        "object_display": _("Object"),
        "owner_display": _("Whose data"),
        "owner_email": _("Whose data (e-mail)"),
        "path": _("Address"),
    }
    list_export = list(export_headings)

    def dispatch(self, request, *args, **kwargs):
        if not can_view_access_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return PersonalDataAccess.objects.select_related(
            "viewer", "owner", "content_type"
        ).order_by("-at", "-pk")

    def to_row_dict(self, item):
        _describe(item)
        return super().to_row_dict(item)

    def decorate_paginated_queryset(self, object_list):
        rows = list(object_list)
        for row in rows:
            _describe(row)
        return rows


def _person(user) -> tuple[str, str]:
    if user is None:
        return str(_("(deleted account)")), ""
    return (user.full_name or user.email), user.email


def _describe(row: PersonalDataAccess) -> None:
    """The words of a row, for the page and the spreadsheet."""
    row.viewer_display, row.viewer_email = _person(row.viewer)
    row.owner_display, row.owner_email = _person(row.owner)
    row.kind_display = row.get_kind_display()
    name = row.content_type.name if row.content_type_id else ""
    row.object_display = f"{name} #{row.object_id}"


class AccessReportViewSet(ViewSet):
    icon = "view"
    menu_label = _("Personal data access")

    def get_urlpatterns(self):
        return [
            path("", AccessReportView.as_view(), name="index"),
            path("results/", AccessReportView.as_view(results_only=True), name="index_results"),
        ]


access_report_viewset = AccessReportViewSet("privacy_access", url_prefix="personal-data-access")


class AccessReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_access_log(request.user)


@hooks.register("register_admin_viewset")
def register_access_report():
    return access_report_viewset


@hooks.register("register_reports_menu_item")
def register_access_report_menu_item():
    return AccessReportMenuItem(
        _("Personal data access"),
        reverse("privacy_access:index"),
        name="personal-data-access",
        icon_name="view",
        order=1100,
    )
