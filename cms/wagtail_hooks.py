"""Admin wiring of the content site (speakers, images lacking alt text) and the members-only
check on documents."""

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
from cms.models import Person
from cms.permissions import can_view_members_only


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
def refuse_members_only_documents(document, request):
    """A document used by a members-only page is served to members and staff only."""
    if can_view_members_only(request.user):
        return None
    if selectors.document_is_members_only(document):
        return TemplateResponse(
            request, "cms/members_only.html", {"document": document}, status=403
        )
    return None
