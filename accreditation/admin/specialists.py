"""Registered specialists in the accreditation admin: their viewset, its filters
(expertise, language) and its "Public today" column."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from accreditation.models import RegisteredSpecialist
from accreditation.models.specialists import LANGUAGES as SPECIALIST_LANGUAGES
from accreditation.models.specialists import Expertise


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
