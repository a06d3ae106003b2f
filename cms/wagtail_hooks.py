"""Admin wiring of the content site (speakers, images lacking alt text), the access
check on documents, and the "Learning modules" panel of the learner dashboard
(``dashboard_panel``, see ``courses/dashboard.py``)."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import selectors
from cms.blocks import knowledge_check_origin
from cms.dashboard import render_progress_panel
from cms.models import Person
from cms.permissions import can_download_document, can_view_members_only


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("Speakers")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation"]


register_snippet(PersonViewSet)


class ImagesWithoutAltTextPanel(Component):
    """Lists, on the admin dashboard, the images that still need alternative text."""

    name = "images_without_alt_text"
    template_name = "cms/admin/images_without_alt_text_panel.html"
    order = 200  # above the moderation, recent-edits and locked-pages panels
    shown = 10

    def get_context_data(self, parent_context):
        images = selectors.images_without_alt_text()
        return {"images": images[: self.shown], "count": images.count()}


@hooks.register("construct_homepage_panels")
def add_images_without_alt_text_panel(request, panels):
    images = policy_registry.get_by_type(get_image_model())
    if images.user_has_permission(request.user, "change"):
        panels.append(ImagesWithoutAltTextPanel())


@hooks.register("before_serve_document")
def refuse_documents_to_outsiders(document, request):
    """A document's file goes only to people who may read a live place that uses it
    (``cms.permissions.can_download_document``); members-only documents say how to become
    a member, others that the document is not available."""
    if can_download_document(request.user, document, request):
        return None
    if not can_view_members_only(request.user) and selectors.document_is_members_only(document):
        template = "cms/members_only.html"
    else:
        template = "cms/document_unavailable.html"
    response = TemplateResponse(request, template, {"document": document}, status=403)
    response["Cache-Control"] = "private, no-store"
    return response


hooks.register("dashboard_panel", render_progress_panel, order=30)
# Quiz pages opened from a knowledge check link back to the page (courses/quiz/origins.py).
hooks.register("quiz_origin", knowledge_check_origin)


@hooks.register("organisation_learning_summary")
def organisation_module_learning(*, user_ids):
    """Learning modules started and completed by a member organisation's people (for its
    managers; see lms/members/learning.py)."""
    from cms.members import organisation_learning_summary

    return organisation_learning_summary(user_ids=user_ids)
