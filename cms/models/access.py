"""Members-only pages: a page field, checked when the page is served."""

from __future__ import annotations

from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members only")


class MembersOnlyMixin(models.Model):
    """A page that may be restricted to people whose organisation's membership is active.

    Membership is decided by organisation dates (``lms.permissions.is_member``), not by a
    group, so this is a field of the page rather than a Wagtail view restriction. Documents
    that a members-only page uses are refused to others too (see ``cms.wagtail_hooks``).
    """

    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Members-only pages and their documents are readable by members and staff."),
    )

    visibility_panel = FieldPanel("visibility")
    visibility_search_fields = [index.FilterField("visibility")]

    class Meta:
        abstract = True

    @property
    def is_members_only(self) -> bool:
        return self.visibility == Visibility.MEMBERS

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
