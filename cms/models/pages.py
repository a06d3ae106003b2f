"""The home page and generic content pages."""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms import translations
from cms.blocks import BodyBlock
from cms.models.access import MembersOnlyMixin


class HomePage(translations.ReaderLanguageUrlMixin, Page):
    """The site root: what the platform offers each of its audiences."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel("featured_modules", label=_("Featured learning modules"), max_num=6),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    override_translatable_fields = translations.SAME_PATH
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.ContentPage",
        "cms.LearningModuleIndexPage",
        "cms.RecordingIndexPage",
        "cms.AuditorPathwayPage",
        "cms.ContactPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """The page at ``path_components`` below this home page; in a translated tree
        (``/fr/...``), the English page when this language has no translation of it, so
        that a page not translated yet is shown in English (with a notice) instead of
        "not found" (cms/translations.py)."""
        try:
            return super().route(request, path_components)
        except Http404:
            source = translations.source_page(self)
            if source.pk == self.pk:
                raise
            return source.specific.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        paths = selectors.members_only_paths()
        featured = selectors.with_members_only(selectors.featured_modules(home=self), paths=paths)
        context["featured_modules"] = selectors.with_progress(user=request.user, modules=featured)
        context["upcoming_sessions"] = selectors.with_members_only(
            translations.localized(selectors.upcoming_sessions(limit=3)), paths=paths
        )
        context["latest_recordings"] = selectors.with_members_only(
            translations.localized(selectors.past_recordings()[:3]), paths=paths
        )
        return context


class HomePageFeaturedModule(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_modules")
    module = models.ForeignKey(
        "cms.LearningModulePage",
        verbose_name=_("learning module"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("module", "cms.LearningModulePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured learning module")


class ContentPage(translations.ReaderLanguageUrlMixin, MembersOnlyMixin, Page):
    """A generic page (about, guidance, ...) made of body blocks."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    settings_panels = [MembersOnlyMixin.visibility_panel, *Page.settings_panels]
    search_fields = [
        *Page.search_fields,
        *MembersOnlyMixin.visibility_search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    override_translatable_fields = translations.SAME_PATH
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    class Meta:
        verbose_name = _("content page")


class AuditorPathwayPage(translations.ReaderLanguageUrlMixin, Page):
    """The public "How to become an accredited auditor" page.

    Editors write the steps and what each involves; the page adds, from the data, what is
    checked (each programme's requirements) and what it costs (the catalogue's prices on
    sale today), so the page never quotes a fee or a rule that has changed.
    """

    intro = models.TextField(_("introduction"), blank=True)
    typical_duration = models.CharField(
        _("typical duration"),
        max_length=200,
        blank=True,
        help_text=_('E.g. "6 to 10 weeks from sign-up to accreditation".'),
    )
    body = StreamField(BodyBlock(), verbose_name=_("steps"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("typical_duration"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    override_translatable_fields = translations.SAME_PATH
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("auditor pathway page")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["pathway"] = selectors.auditor_pathway()
        return context
