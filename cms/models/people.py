"""People who speak in the "45 minutes on ..." sessions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.blocks import image_has_alt_text, missing_alt_text_error


class Person(TranslatableMixin, index.Indexed, models.Model):
    """A speaker: shown on recordings with their role and organisation.

    Translatable (wagtail-localize): translators translate the role and the organisation;
    the name and the photo are the same in every language."""

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("organisation"),
        FieldPanel("photo"),
    ]
    override_translatable_fields = [SynchronizedField("name"), SynchronizedField("photo")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("organisation"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.photo is not None and not image_has_alt_text(self.photo):
            raise ValidationError({"photo": missing_alt_text_error(self.photo)})
