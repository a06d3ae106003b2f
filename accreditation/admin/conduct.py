"""The code of conduct in the accreditation admin: its versions, which ones are in
force, who accepted each, and the refusal to delete a version someone accepted."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import DeleteView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from accreditation.admin.columns import LinkColumn
from accreditation.models import CodeOfConductVersion
from accreditation.selectors.conduct import conduct_in_force
from accreditation.views import conduct as conduct_views


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
