"""Admin forms of the content site."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm


class AltTextImageForm(BaseImageForm):
    """Every image needs alternative text: the image's description field, made required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("description")
        if field is not None:
            field.required = True
            field.label = _("Alternative text")
            field.help_text = _(
                "Describe the image for people who cannot see it (required). "
                "It is read out by screen readers wherever the image is shown."
            )
