"""The accreditation back office in the Wagtail admin.

Reference data, programmes (with their requirements inline), firms (with their scope inline)
and auditor profiles are edited with plain forms. Applications, accreditations and firms'
own accreditation change only through decision screens (``views/admin.py``) that call the
services: their "edit" URLs open those screens. Every decision and event of this app is an
entry of Wagtail's audit log, with its action registered here (``register_log_actions``);
the "Decisions log" report lists them, read-only.

Also what accreditation plugs into the apps below it: the learner dashboard's panel
(``dashboard_panel``, see ``courses/dashboard.py``), accreditation certificates on
/verify/<code>/ (``verify_certificate``, see ``courses/verification.py``), and the firms and
auditors of firm admins for payments (``payments_firm_fee_pages``,
``payments_sitting_candidates``, see ``courses/payments/firms.py``).
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q, QuerySet, Value
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import LogFormatter

import accreditation.privacy_onboarding  # noqa: F401  (firm applications in erasure)
import accreditation.privacy_rights  # noqa: F401  (its retention rule and log action)
from accreditation import permissions, selectors, services
from accreditation.models import (
    DECISION_ACTIONS,
    EVENT_ACTIONS,
    Accreditation,
    Affiliation,
    Application,
    AuditFirm,
    AuditorProfile,
    CodeOfConductVersion,
    Programme,
    RegisteredSpecialist,
    Sector,
    Standard,
    StandardVersion,
)
from accreditation.models_specialists import LANGUAGES as SPECIALIST_LANGUAGES
from accreditation.models_specialists import Expertise
from accreditation.selectors.conduct import conduct_in_force
from accreditation.services.register import register_batch
from accreditation.views import admin as admin_views
from accreditation.views import admin_affiliations, admin_firm_applications
from accreditation.views import conduct as conduct_views
from accreditation.views.auditor import dashboard_panel
from accreditation.views.pathway import pathway_panel
from accreditation.work_queues import staff_work_queues


class LinkColumn(Column):
    """A column whose cell links to a decision screen."""

    def __init__(self, name, *, url_name, text, **kwargs):
        super().__init__(name, **kwargs)
        self.url_name = url_name
        self.text = text

    def get_value(self, instance):
        return format_html(
            '<a class="button button-small button-secondary" href="{}">{}</a>',
            reverse(self.url_name, args=[instance.pk]),
            self.text,
        )


class AffiliationsColumn(Column):
    """A column linking to the affiliations screen filtered on the row's firm or auditor."""

    def __init__(self, name, *, param: str, **kwargs):
        super().__init__(name, **kwargs)
        self.param = param

    def get_value(self, instance):
        return format_html(
            '<a class="button button-small button-secondary" href="{}?{}={}&amp;status=all">{}</a>',
            reverse("accreditation_affiliation:index"),
            self.param,
            instance.pk,
            _("Affiliations"),
        )


class StandardViewSet(ModelViewSet):
    model = Standard
    icon = "doc-full"
    menu_label = _("Standards")
    form_fields = ["code", "name"]
    list_display = ["code", "name"]
    copy_view_enabled = False


class SectorIndexView(IndexView):
    """Each row names its standard: read with the rows."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("standard")


class SectorViewSet(ModelViewSet):
    model = Sector
    index_view_class = SectorIndexView
    icon = "tag"
    menu_label = _("Sectors")
    form_fields = ["standard", "slug", "name", "description"]
    list_display = ["name", "slug", "standard"]
    list_filter = ["standard"]
    search_fields = ["name", "slug"]
    copy_view_enabled = False


class StandardVersionIndexView(IndexView):
    """Each row is named with its standard: read with the rows."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("standard")


class StandardVersionViewSet(ModelViewSet):
    model = StandardVersion
    index_view_class = StandardVersionIndexView
    icon = "date"
    menu_label = _("Standard versions")
    panels = [
        FieldRowPanel([FieldPanel("standard"), FieldPanel("version")]),
        FieldRowPanel([FieldPanel("effective_from"), FieldPanel("effective_until")]),
        FieldPanel("transition_deadline"),
        FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
    ]
    list_display = ["__str__", "effective_from", "effective_until", "transition_deadline"]
    list_filter = ["standard"]
    copy_view_enabled = False


class _RequirementsChanged:
    """Saving a programme may change what its open applications still need: re-check them
    (a page view never does)."""

    def save_instance(self):
        instance = super().save_instance()
        services.applications_refresh_for_version(standard_version=instance.standard_version)
        return instance


class ProgrammeCreateView(_RequirementsChanged, CreateView):
    pass


class ProgrammeEditView(_RequirementsChanged, EditView):
    pass


class ProgrammeIndexView(IndexView):
    """Each row names its standard version (and so its standard): read with the rows."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("standard_version__standard")


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    index_view_class = ProgrammeIndexView
    add_view_class = ProgrammeCreateView
    edit_view_class = ProgrammeEditView
    icon = "list-ul"
    menu_label = _("Programmes")
    panels = [
        FieldPanel("standard_version"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("accreditation_validity_months"),
        InlinePanel(
            "requirements",
            heading=_("Requirements"),
            label=_("Requirement"),
            panels=[
                FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
                FieldRowPanel(
                    [FieldPanel("course"), FieldPanel("refresher_course"), FieldPanel("assignment")]
                ),
                FieldRowPanel([FieldPanel("quiz"), FieldPanel("min_percent")]),
                FieldPanel("evidence_description"),
                FieldRowPanel(
                    [
                        FieldPanel("sector"),
                        FieldPanel("recency_months"),
                        FieldPanel("is_transition"),
                    ]
                ),
                FieldPanel("sort_order"),
            ],
        ),
    ]
    list_display = ["name", "standard_version", "accreditation_validity_months"]
    copy_view_enabled = False


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


class RegisteredSpecialistFilterSet(WagtailFilterSet):
    """Expertise and languages are sets of codes: filtered with the model's own lookups."""

    expertise_area = django_filters.ChoiceFilter(
        label=_("Expertise"),
        choices=Expertise.choices,
        method="filter_expertise",
        empty_label=_("Any"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=SPECIALIST_LANGUAGES,
        method="filter_language",
        empty_label=_("Any"),
    )

    class Meta:
        model = RegisteredSpecialist
        fields = ["status", "country", "standards"]

    def filter_expertise(self, queryset, name, value):
        return queryset.with_expertise(value)

    def filter_language(self, queryset, name, value):
        return queryset.speaking(value)


def _specialist_public_today(specialist) -> str:
    return str(_("yes")) if specialist.is_listed_on(timezone.localdate()) else str(_("no"))


class RegisteredSpecialistViewSet(ModelViewSet):
    """Registered specialists: non-auditor experts on the public register, kept by staff
    with plain forms. They are never auditors: no accreditation, no scope, no eligibility."""

    model = RegisteredSpecialist
    icon = "user"
    menu_label = _("Registered specialists")
    filterset_class = RegisteredSpecialistFilterSet
    search_fields = ["full_name", "organisation", "public_email"]
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("full_name"), FieldPanel("user")]),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("firm"), FieldPanel("country")]),
        FieldPanel("expertise"),
        FieldPanel("description"),
        FieldPanel("languages"),
        FieldPanel("standards", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("status"),
                        FieldPanel("listed_from"),
                        FieldPanel("listed_until"),
                    ]
                ),
                FieldRowPanel([FieldPanel("publication_consent_on"), FieldPanel("public_email")]),
            ],
            heading=_("Publication on the register"),
        ),
    ]

    @property
    def list_display(self):
        return [
            "full_name",
            Column("country", label=_("Country"), accessor="country.name", sort_key="country"),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            "listed_from",
            "listed_until",
            Column("public", label=_("Public today"), accessor=_specialist_public_today),
        ]


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
    list_filter = ["status", "standard_version", "firm"]
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


class AccreditationFilterSet(WagtailFilterSet):
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


def _conduct_status(version) -> str:
    """A code of conduct version's state today, in words, for the staff list (whose rows
    carry ``is_in_force``, see ``CodeOfConductIndexView``)."""
    if version.is_in_force:
        return str(_("in force"))
    if version.in_force_from > timezone.localdate():
        return str(_("published, not yet in force"))
    return str(_("replaced"))


class CodeOfConductDeleteView(DeleteView):
    """A version someone accepted is their record of what they agreed to: never deleted."""

    def _refuse(self):
        messages.error(
            self.request,
            _("Auditors have accepted this version: it is kept. Publish a new version instead."),
        )
        return redirect(self.index_url_name)

    def get(self, request, *args, **kwargs):
        if self.object.acceptances.exists():
            return self._refuse()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.object.acceptances.exists():
            return self._refuse()
        return super().post(request, *args, **kwargs)


class CodeOfConductIndexView(IndexView):
    """The version in force today is looked up once for the list, not once per row."""

    def get_base_queryset(self):
        in_force = conduct_in_force()
        is_in_force = Q(pk=in_force.pk) if in_force is not None else Value(False)
        return (
            super()
            .get_base_queryset()
            .annotate(is_in_force=ExpressionWrapper(is_in_force, output_field=BooleanField()))
        )


class CodeOfConductViewSet(ModelViewSet):
    """Versions of the code of conduct (a version with acceptances cannot be changed: see
    ``CodeOfConductVersion.clean``), each with the list of who has and has not accepted it.
    Saving a version in force refreshes the register (``services.register``)."""

    model = CodeOfConductVersion
    index_view_class = CodeOfConductIndexView
    delete_view_class = CodeOfConductDeleteView
    icon = "doc-full"
    menu_label = _("Code of conduct")
    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("in_force_from")]),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("document"),
    ]
    search_fields = ["label", "title"]
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            "label",
            "title",
            "in_force_from",
            Column("state", label=_("Today"), accessor=_conduct_status),
            LinkColumn(
                "acceptances",
                label=_("Acceptances"),
                url_name=f"{self.name}:acceptances",
                text=_("Who accepted it"),
            ),
        ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "<int:pk>/acceptances/",
                conduct_views.conduct_acceptance_index,
                name="acceptances",
            ),
        ]


class AccreditationGroup(ModelViewSetGroup):
    menu_label = _("Accreditation")
    menu_icon = "success"
    menu_order = 300
    items = [
        ApplicationViewSet("accreditation_application", url_prefix="accreditation/applications"),
        AccreditationViewSet(
            "accreditation_accreditation", url_prefix="accreditation/accreditations"
        ),
        AuditFirmViewSet("accreditation_firm", url_prefix="accreditation/firms"),
        AuditorProfileViewSet("accreditation_auditor", url_prefix="accreditation/auditors"),
        AffiliationViewSet("accreditation_affiliation", url_prefix="accreditation/affiliations"),
        FirmApplicationViewSet(
            "accreditation_firm_application", url_prefix="accreditation/firm-applications"
        ),
        RegisteredSpecialistViewSet(
            "accreditation_specialist", url_prefix="accreditation/specialists"
        ),
        ProgrammeViewSet("accreditation_programme", url_prefix="accreditation/programmes"),
        StandardViewSet("accreditation_standard", url_prefix="accreditation/standards"),
        StandardVersionViewSet("accreditation_version", url_prefix="accreditation/versions"),
        SectorViewSet("accreditation_sector", url_prefix="accreditation/sectors"),
        DecisionsLogViewSet("accreditation_decision", url_prefix="accreditation/decisions"),
        CodeOfConductViewSet("accreditation_conduct", url_prefix="accreditation/code-of-conduct"),
    ]


@hooks.register("register_admin_viewset")
def register_viewset():
    return AccreditationGroup()


hooks.register("dashboard_panel", dashboard_panel, order=20)
# The guided path to accreditation, with the person's progress (selectors/pathway.py).
hooks.register("dashboard_panel", pathway_panel, order=15)
hooks.register("verify_certificate", selectors.find_accreditation_certificate)
# What waits for staff, on the admin dashboard and in the daily digest (lms.work_queues).
hooks.register("staff_work_queues", staff_work_queues, order=10)


class _ReasonFormatter(LogFormatter):
    """An entry's comment is its reason (shown in the admin's history and exports)."""

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("reason", "")


@hooks.register("register_log_actions")
def register_accreditation_log_actions(actions):
    """Every action code this app writes into the audit log (``lms.audit.record`` refuses
    any other): the decisions, and the events that are not decisions."""
    for code, label in {**DECISION_ACTIONS, **EVENT_ACTIONS}.items():
        attributes = {"label": label, "message": label}
        actions.register_action(code)(type("AccreditationLog", (_ReasonFormatter,), attributes))


@hooks.register("payments_firm_fee_pages")
def firm_fee_pages(user, kind: str) -> list[tuple[str, str]]:
    """Where ``user`` pays a firm fee of ``kind``: the fee page of each audit firm they
    administer (that page checks it again and hands the firm to payments)."""
    return [
        (firm.name, reverse("accreditation:firm_fee", kwargs={"firm_pk": firm.pk, "kind": kind}))
        for firm in user.administered_firms.order_by("name")
    ]


@hooks.register("payments_sitting_candidates")
def firm_sitting_candidates(admin) -> QuerySet:
    """The firm admin's own auditors (active accounts with an affiliation to a firm the
    admin runs, confirmed by the firm and current today): the only people a paid sitting
    may go to, and the only ones the sittings page lists. A pending request, a declined one
    or an ended affiliation does not count."""
    today = timezone.localdate()
    affiliations = Affiliation.objects.counting_on(today).filter(firm__admins=admin)
    return (
        get_user_model()
        .objects.filter(is_active=True, auditor_profile__affiliations__in=affiliations)
        .distinct()
        .order_by("full_name", "email")
    )


@hooks.register("courses_learning_record_changed")
@hooks.register("quiz_attempt_finalised")
def move_applications_after_learning(user=None, attempt=None) -> None:
    """A course completed, an assignment accepted or a quiz or exam finalised may meet a
    requirement: the person's open applications move at once, not on their next page view."""
    services.applications_refresh_for_user(user=user if user is not None else attempt.user)
