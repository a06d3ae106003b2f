"""Privacy in the Wagtail admin: the versions of the terms of use and the privacy notice
(Settings → Policy versions: editors publish a new version without a developer), the audit
actions of ``privacy.*``, and ``lms``'s own retention rules on the
``privacy_retention_rules`` hook."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

import lms.privacy.access_report  # noqa: F401  (who saw what: the DPO's report)
import lms.privacy.erasure_admin  # noqa: F401  (erasure requests: admin, log actions, hook)
import lms.privacy.export  # noqa: F401  (download my data: log actions, retention rule)
from lms.errors import ServiceError
from lms.privacy import retention, services
from lms.privacy.models import PolicyVersion


class _ServiceFormMixin:
    """A refusal of the service is shown on the form, with what was typed kept."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as error:
            form.add_error(None, ValidationError(error.message))
            return self.form_invalid(form)


class PolicyVersionCreateView(_ServiceFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.policy_version_create(
            actor=self.request.user,
            kind=data["kind"],
            label=data["label"],
            effective_on=data["effective_on"],
            page=data["page"],
            summary=data.get("summary", ""),
        )


class _OnlyFutureVersionsMixin:
    """A version in force (or past) is what people accepted: it is neither changed nor
    deleted; a new version is published instead."""

    def dispatch(self, request, *args, **kwargs):
        version = PolicyVersion.objects.filter(pk=kwargs.get("pk")).first()
        if version is not None and version.effective_on <= timezone.localdate():
            messages.warning(
                request,
                _("This version is in force and people accepted it: publish a new version."),
            )
            return redirect(policy_version_viewset.get_url_name("index"))
        return super().dispatch(request, *args, **kwargs)


class PolicyVersionDeleteView(_OnlyFutureVersionsMixin, DeleteView):
    def delete_action(self):
        services.policy_version_delete(version=self.object, actor=self.request.user)


class PolicyVersionEditView(_OnlyFutureVersionsMixin, _ServiceFormMixin, EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        original = PolicyVersion.objects.get(pk=self.object.pk)
        return services.policy_version_update(
            version=original,
            actor=self.request.user,
            label=data["label"],
            effective_on=data["effective_on"],
            page=data["page"],
            summary=data.get("summary", ""),
        )


class PolicyVersionIndexView(IndexView):
    """Each row names its page: read with the rows."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")


class PolicyVersionViewSet(ModelViewSet):
    model = PolicyVersion
    index_view_class = PolicyVersionIndexView
    icon = "doc-full"
    menu_label = _("Policy versions")
    add_to_settings_menu = True
    add_view_class = PolicyVersionCreateView
    edit_view_class = PolicyVersionEditView
    delete_view_class = PolicyVersionDeleteView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_fields = ["label"]
    list_filter = ["kind"]
    panels = [
        FieldPanel("kind"),
        FieldPanel("label"),
        FieldPanel("effective_on"),
        FieldPanel("page"),
        FieldPanel("summary"),
    ]
    list_display = [
        "__str__",
        Column("effective_on", label=_("In force from"), sort_key="effective_on"),
        Column("page", label=_("Page")),
    ]


policy_version_viewset = PolicyVersionViewSet("privacy_policy_version")


@hooks.register("register_admin_viewset")
def register_policy_version_viewset():
    return policy_version_viewset


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    actions.register_action(
        "privacy.consent.recorded", _("Accept notices"), _("Terms or privacy notice accepted")
    )
    actions.register_action(
        "privacy.version.created", _("Publish notice version"), _("Notice version published")
    )
    actions.register_action(
        "privacy.version.updated", _("Change notice version"), _("Notice version changed")
    )
    actions.register_action(
        "privacy.version.deleted", _("Delete notice version"), _("Notice version deleted")
    )
    actions.register_action(
        "privacy.account.deleted",
        _("Delete account (retention)"),
        _("Unverified account deleted under the retention schedule"),
    )
    actions.register_action(
        "privacy.retention.applied",
        _("Apply retention rule"),
        _("Retention rule applied"),
    )


@hooks.register(retention.HOOK, order=-10)
def lms_retention_rules():
    return retention.core_rules()
