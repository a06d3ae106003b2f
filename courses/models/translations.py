"""The words learners read in a course, in each working language.

A course, its modules and lessons are one catalogue whatever the learner's language:
enrolments, progress, quizzes and certificates hang on them. Their learner-facing words
(course title and summary, module titles and summaries, lesson titles and bodies) are
translated through a companion snippet, ``CourseText``: the English one is a copy of the
published course's words, kept up to date by ``courses.services.refresh_course_text``
(on publishing the course, on saving a lesson); translators translate it like any
snippet with wagtail-localize ("Translate", then the editor or a PO file download and
upload), which makes the French, Chinese, ... ``CourseText`` linked to it.

The site shows each word in the reader's language when a translation has it, else the
course's own English (``courses.translations.course_words``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField


class CourseText(TranslatableMixin, ClusterableModel):
    """A course's learner-facing words in one language."""

    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="texts",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    panels = [
        FieldPanel("course", read_only=True),
        FieldPanel("title"),
        FieldPanel("summary"),
        InlinePanel("module_texts", heading=_("Modules"), label=_("Module")),
        InlinePanel("lesson_texts", heading=_("Lessons"), label=_("Lesson")),
    ]
    translatable_fields = [
        SynchronizedField("course"),
        TranslatableField("title"),
        TranslatableField("summary"),
        TranslatableField("module_texts"),
        TranslatableField("lesson_texts"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["course__title"]
        verbose_name = _("course translation")
        verbose_name_plural = _("course translations")
        constraints = [
            models.UniqueConstraint(fields=["course", "locale"], name="course_text_one_per_locale")
        ]

    def __str__(self) -> str:
        return self.title


class ModuleText(TranslatableMixin, Orderable):
    """A module's title and summary in the language of its ``CourseText``."""

    course_text = ParentalKey(CourseText, on_delete=models.CASCADE, related_name="module_texts")
    module = models.ForeignKey(
        "courses.Module", verbose_name=_("module"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("summary")]
    translatable_fields = [
        SynchronizedField("module"),
        TranslatableField("title"),
        TranslatableField("summary"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("module text")


class LessonText(TranslatableMixin, Orderable):
    """A lesson's title and body in the language of its ``CourseText``."""

    course_text = ParentalKey(CourseText, on_delete=models.CASCADE, related_name="lesson_texts")
    lesson = models.ForeignKey(
        "courses.Lesson", verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = RichTextField(_("body"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("body")]
    translatable_fields = [
        SynchronizedField("lesson"),
        TranslatableField("title"),
        TranslatableField("body"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("lesson text")
