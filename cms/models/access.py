"""Members-only pages: a page field, checked when the page is served, inherited downwards."""

from __future__ import annotations

from django.db import models
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members only")


class MembersOnlyPageForm(WagtailAdminPageForm):
    """Tells the editor when the page is members-only because of a page above it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("visibility")
        if field is None or self.parent_page is None:
            return
        from cms import selectors

        ancestor = selectors.members_only_ancestor(self.parent_page)
        if ancestor is not None:
            field.help_text = _(
                "This page is members-only whatever is chosen here, because it is below "
                "“%(title)s”, which is members-only. So are its documents and the pages "
                "below it."
            ) % {"title": ancestor.title}


class MembersOnlyMixin(models.Model):
    """A page that may be restricted to people whose organisation's membership is active.

    Membership is decided by organisation dates (``lms.permissions.is_member``), not by a
    group, so this is a field of the page rather than a Wagtail view restriction. A page
    below a members-only page is members-only too, whatever its own field says, and so are
    the documents a members-only page uses (see ``cms.selectors`` and ``cms.wagtail_hooks``).
    """

    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_(
            "Members-only pages, the pages below them and their documents are readable by "
            "members and staff."
        ),
    )

    base_form_class = MembersOnlyPageForm
    visibility_panel = FieldPanel("visibility")
    visibility_search_fields = [index.FilterField("visibility")]

    class Meta:
        abstract = True

    @cached_property
    def is_members_only(self) -> bool:
        """Members-only by this page's own field or a page above it.

        Listings set this for all their pages at once (``selectors.with_members_only``);
        otherwise it costs one query.
        """
        if self.visibility == Visibility.MEMBERS:
            return True
        if not self.path:  # not in the page tree yet
            return False
        from cms import selectors

        return selectors.members_only_ancestor(self) is not None

    def serve(self, request, *args, **kwargs):
        from cms.permissions import can_view_page

        if not can_view_page(request.user, self):
            return TemplateResponse(
                request,
                "cms/members_only.html",
                {"page": self, "self": self, "request": request},
                status=403,
            )
        return super().serve(request, *args, **kwargs)
