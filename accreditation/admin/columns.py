"""Columns shared by the accreditation admin's listings: a button to a decision screen
(``LinkColumn``) and a button to the affiliations of the row's firm or auditor
(``AffiliationsColumn``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column


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
