"""Reference data in the accreditation admin: standards, sectors, standard versions and
programmes (with their requirements inline), edited with plain forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from accreditation import services
from accreditation.models import Programme, Sector, Standard, StandardVersion


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
