"""Firms and auditors in the accreditation admin: audit firms (with their scope inline)
and auditor profiles, whose saves refresh the register once, and the "Affiliations" and
"Firm applications" menu items."""

from __future__ import annotations

from django.db import transaction
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from accreditation import permissions, selectors
from accreditation.admin.columns import AffiliationsColumn, LinkColumn
from accreditation.models import AuditFirm, AuditorProfile
from accreditation.services.register import register_batch
from accreditation.views import admin as admin_views
from accreditation.views import admin_affiliations, admin_firm_applications


class _RegisterRefreshedOnce:
    """Saving a firm (or an auditor) saves each of its inline rows: the register's read
    model is refreshed once for them all, not once per row (``services.register``)."""

    def save_instance(self):
        with transaction.atomic(), register_batch():
            return super().save_instance()


class RegisterInputCreateView(_RegisterRefreshedOnce, CreateView):
    pass


class RegisterInputEditView(_RegisterRefreshedOnce, EditView):
    pass


class AuditFirmIndexView(IndexView):
    """The "Accredited today" column reads each firm's status changes and periods: they are
    prefetched with the rows (``selectors.firm_accredited_on`` reads them with ``.all()``)."""

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("status_changes", "periods")


class AuditFirmViewSet(ModelViewSet):
    model = AuditFirm
    index_view_class = AuditFirmIndexView
    add_view_class = RegisterInputCreateView
    edit_view_class = RegisterInputEditView
    icon = "group"
    menu_label = _("Audit firms")
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldRowPanel([FieldPanel("country"), FieldPanel("website")]),
        MultiFieldPanel(
            [
                FieldPanel("scheme"),
                FieldPanel("accreditation_body"),
                FieldPanel("accreditation_number"),
            ],
            heading=_("ISO/IEC 17021 / 17065 accreditation"),
        ),
        FieldPanel("admins"),
        InlinePanel(
            "scope",
            heading=_("Firm scope (standard × sector × country)"),
            label=_("Scope element"),
            panels=[
                FieldRowPanel([FieldPanel("sector"), FieldPanel("country")]),
                FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
            ],
        ),
    ]
    search_fields = ["name"]
    list_filter = ["country", "scheme"]
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            "name",
            "country",
            Column("accredited", label=_("Accredited today"), accessor=_firm_accredited),
            LinkColumn(
                "decisions",
                label=_("Firm accreditation"),
                url_name="accreditation_firm:decisions",
                text=_("Decisions"),
            ),
            AffiliationsColumn("affiliations", label=_("Auditors"), param="firm"),
        ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("decisions/<int:pk>/", admin_views.firm_decisions, name="decisions"),
        ]


def _firm_accredited(firm) -> str:
    return str(_("yes")) if selectors.firm_accredited_on(firm) else str(_("no"))


class AuditorProfileIndexView(IndexView):
    """Each row names the auditor: read with the rows."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user")


class AuditorProfileViewSet(ModelViewSet):
    model = AuditorProfile
    index_view_class = AuditorProfileIndexView
    add_view_class = RegisterInputCreateView
    edit_view_class = RegisterInputEditView
    icon = "user"
    menu_label = _("Auditors")
    panels = [
        FieldPanel("user"),
        # The consent is the auditor's own, given and withdrawn on their profile (dated
        # records, ``services.register_consent_set``): staff see it, never set it.
        FieldRowPanel(
            [FieldPanel("is_lead_auditor"), FieldPanel("listed_consent", read_only=True)]
        ),
        FieldPanel("languages"),
        InlinePanel(
            "affiliations",
            heading=_("Firms"),
            label=_("Affiliation"),
            help_text=_(
                "A firm added here waits for confirmation like an auditor's own request: "
                "confirm, decline or end it under Accreditation › Affiliations."
            ),
            panels=[
                FieldRowPanel([FieldPanel("firm"), FieldPanel("since"), FieldPanel("until")]),
                FieldPanel("status", read_only=True),
            ],
        ),
    ]
    list_display = [
        "user",
        "is_lead_auditor",
        "listed_consent",
        "languages",
        AffiliationsColumn("affiliations", label=_("Firms"), param="auditor"),
    ]
    list_filter = ["is_lead_auditor", "listed_consent"]
    search_fields = ["user__full_name", "user__email"]
    copy_view_enabled = False


class AffiliationViewSet(ViewSet):
    """The "Affiliations" menu item: auditors' requests to work under a firm and the firms'
    affiliations; staff confirm, decline or end them on a firm's behalf
    (``views.admin_affiliations``)."""

    icon = "group"
    menu_label = _("Affiliations")

    @cached_property
    def menu_item_class(self):
        class AffiliationsMenuItem(MenuItem):
            def is_shown(self, request):
                return permissions.can_decide_affiliations_as_staff(request.user)

        return AffiliationsMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_affiliations.affiliation_index, name="index"),
            path("<int:pk>/", admin_affiliations.affiliation_detail, name="detail"),
            path("<int:pk>/<slug:action>/", admin_affiliations.affiliation_decide, name="decide"),
        ]


class FirmApplicationViewSet(ViewSet):
    """The "Firm applications" menu item: firms' applications to review and decide
    (``views.admin_firm_applications``), and the firms' yearly renewals due or overdue."""

    icon = "group"
    menu_label = _("Firm applications")

    @cached_property
    def menu_item_class(self):
        class FirmApplicationsMenuItem(MenuItem):
            def is_shown(self, request):
                return permissions.can_review_firm_applications(request.user)

        return FirmApplicationsMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_firm_applications.firm_application_index, name="index"),
            path("<int:pk>/", admin_firm_applications.firm_application_detail, name="detail"),
            path("renewals/", admin_firm_applications.firm_renewals, name="renewals"),
        ]
