"""Admin wiring of the content site and the members-only check on documents."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
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
