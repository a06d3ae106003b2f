"""Self-paced learning modules for members, and each person's progress through them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.access import MembersOnlyMixin, MembersOnlyPageForm


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members")
    AUDITORS = "auditors", _("Auditors")


class Standard(models.TextChoices):
    PERFORMANCE = "PS", _("Performance Standard")
    CHAIN_OF_CUSTODY = "CoC", _("Chain of Custody Standard")


# Sector codes of today's standard versions (DESIGN.md). The accreditation app holds the
# authoritative, versioned vocabularies; a module only labels which sectors it speaks to.
SECTOR_CHOICES = [
    ("bauxite-mining", _("Bauxite mining")),
    ("bauxite-development", _("Bauxite development")),
    ("alumina-refining", _("Alumina refining")),
    ("high-purity-alumina", _("High-purity alumina")),
    ("aluminium-smelting", _("Aluminium smelting")),
    ("aluminium-remelting-refining", _("Aluminium re-melting / refining")),
    ("casthouse", _("Casthouse")),
    ("semi-fabrication", _("Semi-fabrication")),
    ("material-conversion", _("Material conversion")),
    ("post-casthouse", _("Post-casthouse")),
    ("other-manufacturing", _("Other manufacturing or sale of products")),
]
SECTOR_LABELS = dict(SECTOR_CHOICES)


class LearningModuleIndexPage(MembersOnlyMixin, Page):
    """Lists the learning modules, with each member's progress.

    Made members-only, it makes every module below it members-only.
    """

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [MembersOnlyMixin.visibility_panel, *Page.settings_panels]
    search_fields = [
        *Page.search_fields,
        *MembersOnlyMixin.visibility_search_fields,
        index.SearchField("intro"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LearningModulePage"]

    class Meta:
        verbose_name = _("learning module index")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        modules = selectors.with_members_only(list(selectors.learning_modules(index=self)))
        context["modules"] = selectors.with_progress(user=request.user, modules=modules)
        return context


class LearningModuleTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.LearningModulePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class LearningModuleForm(MembersOnlyPageForm):
    sectors = forms.MultipleChoiceField(
        label=_("sectors"),
        choices=SECTOR_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class LearningModulePage(MembersOnlyMixin, Page):
    """A self-paced module: read, watch, check your knowledge, mark it complete."""

    summary = models.TextField(_("summary"), max_length=600)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.MEMBERS
    )
    topics = ClusterTaggableManager(verbose_name=_("topics"), through=LearningModuleTag, blank=True)
    standard = models.CharField(_("standard"), max_length=8, choices=Standard.choices, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=30)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    base_form_class = LearningModuleForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("audience"), FieldPanel("estimated_minutes")]),
                FieldPanel("standard"),
                FieldPanel("sectors"),
                FieldPanel("topics"),
            ],
            heading=_("About this module"),
        ),
        FieldPanel("body"),
    ]
    settings_panels = [MembersOnlyMixin.visibility_panel, *Page.settings_panels]
    search_fields = [
        *Page.search_fields,
        *MembersOnlyMixin.visibility_search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.FilterField("audience"),
    ]

    parent_page_types = ["cms.LearningModuleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("learning module")

    @property
    def sector_labels(self) -> list[str]:
        return [str(SECTOR_LABELS.get(code, code)) for code in self.sectors or []]

    def get_context(self, request, *args, **kwargs):
        from cms import selectors, services

        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            services.module_progress_start(user=request.user, module=self)
        context["progress"] = selectors.module_progress_map(user=request.user, modules=[self]).get(
            self.pk
        )
        return context


class ModuleProgress(models.Model):
    """How far one person has got with one learning module."""

    class Status(models.TextChoices):
        STARTED = "started", _("Started")
        COMPLETED = "completed", _("Completed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="module_progress",
    )
    module = models.ForeignKey(
        LearningModulePage,
        verbose_name=_("learning module"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.STARTED
    )
    started_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("learning module progress")
        verbose_name_plural = _("learning module progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="cms_progress_one_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.module} ({self.get_status_display()})"
