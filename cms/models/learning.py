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

from accreditation.models import Sector
from accreditation.reference_names import translated_name
from cms import translations
from cms.blocks import BodyBlock
from cms.models.access import MembersOnlyMixin, MembersOnlyPageForm
from courses.models import Audience  # one definition: who a course or a module is for


class Standard(models.TextChoices):
    PERFORMANCE = "PS", _("Performance Standard")
    CHAIN_OF_CUSTODY = "CoC", _("Chain of Custody Standard")


def sector_names(slugs=None) -> dict[str, str]:
    """Sector code -> name, read from the accreditation app's vocabularies (the one source).

    A module labels the sectors it speaks to by code; a code shared by both standards
    (``casthouse``) is one choice. With ``slugs``, only those codes.
    """
    sectors = Sector.objects.order_by("standard__code", "name")
    if slugs is not None:
        sectors = sectors.filter(slug__in=list(slugs))
    names: dict[str, str] = {}
    for slug, name in sectors.values_list("slug", "name"):
        names.setdefault(slug, translated_name(name))
    return names


def sector_choices() -> list[tuple[str, str]]:
    return sorted(sector_names().items(), key=lambda item: item[1])


class LearningModuleIndexPage(translations.ReaderLanguageUrlMixin, MembersOnlyMixin, Page):
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
    override_translatable_fields = translations.SAME_PATH
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LearningModulePage"]

    class Meta:
        verbose_name = _("learning module index")

    @property
    def knowledge_check_quizzes(self) -> list:
        """The quizzes of the module's knowledge checks, in page order, without repeats."""
        quizzes = []
        for block in self.body:
            if block.block_type == "knowledge_check" and block.value.get("quiz") is not None:
                quiz = block.value["quiz"]
                if quiz not in quizzes:
                    quizzes.append(quiz)
        return quizzes

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        modules = selectors.with_members_only(
            translations.localized(
                selectors.learning_modules(index=self), prefetch=("tagged_items__tag",)
            )
        )
        context["modules"] = selectors.with_progress(user=request.user, modules=modules)
        return context


class LearningModuleTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.LearningModulePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class LearningModuleForm(MembersOnlyPageForm):
    sectors = forms.MultipleChoiceField(
        label=_("sectors"),
        choices=sector_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class LearningModulePage(translations.ReaderLanguageUrlMixin, MembersOnlyMixin, Page):
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
    knowledge_check_pass_required = models.BooleanField(
        _("a pass of the knowledge check is needed to complete"),
        default=False,
        help_text=_(
            "When ticked, “Mark as complete” waits until the learner has passed every "
            "knowledge check of the module; otherwise a failed check does not hold them back."
        ),
    )

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
        FieldPanel("knowledge_check_pass_required"),
    ]
    settings_panels = [MembersOnlyMixin.visibility_panel, *Page.settings_panels]
    search_fields = [
        *Page.search_fields,
        *MembersOnlyMixin.visibility_search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.FilterField("audience"),
    ]

    override_translatable_fields = translations.SAME_PATH
    parent_page_types = ["cms.LearningModuleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("learning module")

    @property
    def sector_labels(self) -> list[str]:
        names = sector_names(self.sectors or [])
        return [names.get(code, code) for code in self.sectors or []]

    @property
    def knowledge_check_quizzes(self) -> list:
        """The quizzes of the module's knowledge checks, in page order, without repeats."""
        quizzes = []
        for block in self.body:
            if block.block_type == "knowledge_check" and block.value.get("quiz") is not None:
                quiz = block.value["quiz"]
                if quiz not in quizzes:
                    quizzes.append(quiz)
        return quizzes

    def get_context(self, request, *args, **kwargs):
        """Reads only: the page's script records the module as started with its own POST
        (``cms:module_start``), and "Mark as complete" posts to ``cms:module_complete``."""
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = selectors.module_progress_map(user=request.user, modules=[self]).get(
            self.pk
        )
        context["checks_to_pass"] = selectors.knowledge_checks_to_pass(
            user=request.user, module=self
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
