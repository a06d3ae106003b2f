"""Applications, accreditations and the decisions log in the accreditation admin: lists
whose "edit" opens the decision screens (``views/admin.py``), the accreditations' filters,
and the read-only "Decisions log" report."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Max
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from accreditation import permissions, selectors
from accreditation.admin.columns import LinkColumn
from accreditation.models import Accreditation, Application, StandardVersion
from accreditation.views import admin as admin_views


class _StandardVersionFilter:
    """The "standard version" filter names each version by its standard's code: the
    versions are read with their standards (one query, not one per version)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["standard_version"].queryset = StandardVersion.objects.select_related(
            "standard"
        )


class ApplicationFilterSet(_StandardVersionFilter, WagtailFilterSet):
    class Meta:
        model = Application
        fields = ["status", "standard_version", "firm"]


class ApplicationIndexView(IndexView):
    """Each row names the auditor, the standard version and the firm: read with the rows."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("auditor__user", "standard_version__standard", "firm")
        )


class ApplicationViewSet(ModelViewSet):
    """Applications are reviewed, never edited: "edit" opens the review screen."""

    model = Application
    index_view_class = ApplicationIndexView
    icon = "clipboard-list"
    menu_label = _("Applications")
    form_fields = ["status"]
    filterset_class = ApplicationFilterSet
    search_fields = ["auditor__user__full_name", "auditor__user__email"]
    copy_view_enabled = False
    list_display = [
        "__str__",
        "firm",
        "status",
        "submitted_at",
        LinkColumn(
            "review",
            label=_("Review"),
            url_name="accreditation_application:review",
            text=_("Review"),
        ),
    ]

    @property
    def edit_view(self):
        return lambda request, pk: redirect("accreditation_application:review", pk=pk)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", admin_views.application_review, name="review"),
            path("evidence/<int:pk>/", admin_views.evidence_review, name="evidence_review"),
        ]


EXPIRING_WITHIN_DAYS = 90


class AccreditationFilterSet(_StandardVersionFilter, WagtailFilterSet):
    """The accreditation list's filters: version, firm, source, and those whose scope ends
    within the next 90 days (renewals to prepare)."""

    expiring = django_filters.BooleanFilter(
        label=_("Expiring within 90 days"),
        method="filter_expiring",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Accreditation
        fields = ["standard_version", "firm", "source"]

    def filter_expiring(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.annotate(_valid_until=Max("scope__valid_until")).filter(
            _valid_until__gte=today,
            _valid_until__lte=today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS),
        )


class AccreditationIndexView(IndexView):
    """The list reads the one prefetched queryset the verification page reads, so each
    row's status is computed without a query per row. Newest first."""

    default_ordering = "-pk"

    def get_base_queryset(self):
        return selectors.accreditations_with_scope()


class AccreditationViewSet(ModelViewSet):
    """Accreditations are created by grants and imports; "edit" opens the decision screen.
    The list's status is the public verification page's (``selectors.status_label_today``):
    a suspended or lapsed firm shows there too."""

    model = Accreditation
    index_view_class = AccreditationIndexView
    filterset_class = AccreditationFilterSet
    icon = "success"
    menu_label = _("Accreditations")
    form_fields = ["firm"]
    search_fields = ["auditor__user__full_name", "auditor__user__email", "code"]
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            "__str__",
            "code",
            "source",
            Column("status", label=_("Status today"), accessor=selectors.status_label_today),
            Column(
                "valid_until", label=_("Valid until"), accessor=selectors.accreditation_valid_until
            ),
            LinkColumn(
                "decide",
                label=_("Decisions"),
                url_name="accreditation_accreditation:detail",
                text=_("Open"),
            ),
        ]

    @property
    def edit_view(self):
        return lambda request, pk: redirect("accreditation_accreditation:detail", pk=pk)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("detail/<int:pk>/", admin_views.accreditation_detail, name="detail"),
            path(
                "detail/<int:pk>/<slug:action>/",
                admin_views.accreditation_decide,
                name="decide",
            ),
        ]


class DecisionsLogViewSet(ViewSet):
    """The "Decisions log" menu item: this app's entries of the audit log, as a report with
    filters (``views.admin.DecisionsLogView``). Site history lists them too."""

    icon = "history"
    menu_label = _("Decisions log")

    @cached_property
    def menu_item_class(self):
        class DecisionsLogMenuItem(MenuItem):
            def is_shown(self, request):
                return permissions.can_view_decisions_log(request.user)

        return DecisionsLogMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.DecisionsLogView.as_view(), name="index"),
            path(
                "results/",
                admin_views.DecisionsLogView.as_view(results_only=True),
                name="index_results",
            ),
        ]
