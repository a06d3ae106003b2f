"""The contact page: a Wagtail form that e-mails the secretariat and keeps each submission
(Wagtail's form submissions, listed under Forms in the admin). Pages that say "contact
the secretariat" link to it; ``seed_demo`` creates it at ``/contact/``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField

from cms.translations import ReaderLanguageUrlMixin

#: Longest text kept from one field (a message); single-line fields keep 255 characters.
MESSAGE_MAX_LENGTH = 5000
#: Messages one client address may send per hour (the form is open to anyone).
MESSAGES_PER_HOUR = 5


class ContactFormField(TranslatableMixin, AbstractFormField):
    """One field of the contact form. Its label, help text, choices and default are
    translated with the page (wagtail-localize); its kind, its name in the submissions and
    whether it is required are the same in every language."""

    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")

    override_translatable_fields = [
        SynchronizedField("clean_name"),
        SynchronizedField("field_type"),
        SynchronizedField("required"),
    ]

    class Meta(TranslatableMixin.Meta, AbstractFormField.Meta):
        pass


class ContactPage(ReaderLanguageUrlMixin, AbstractEmailForm):
    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(_("thank-you text"), blank=True)

    content_panels = [
        *AbstractEmailForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail to the secretariat"),
        ),
    ]

    # Same path in every language; the addresses are not words to translate.
    override_translatable_fields = [
        SynchronizedField("slug"),
        SynchronizedField("from_address"),
        SynchronizedField("to_address"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "cms/contact_page.html"
    landing_page_template = "cms/contact_page_landing.html"

    class Meta:
        verbose_name = _("contact page")

    def get_form(self, *args, **kwargs):
        """The editors' fields, each with a length limit (a message 5,000 characters)."""
        form = super().get_form(*args, **kwargs)
        for field in form.fields.values():
            if isinstance(field, forms.CharField):
                limit = MESSAGE_MAX_LENGTH if isinstance(field.widget, forms.Textarea) else 255
                field.max_length = limit
                field.widget.attrs["maxlength"] = str(limit)
                field.validators.append(MaxLengthValidator(limit))
        return form

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and not _may_send(request):
            form = self.get_form(request.POST, page=self, user=request.user)
            form.add_error(
                None,
                gettext("You have sent several messages in the last hour: please wait a while."),
            )
            context = self.get_context(request)
            context["form"] = form
            return TemplateResponse(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)


def _may_send(request) -> bool:
    """Counts a POST from the client's address; False once the hourly allowance is used."""
    from lms.ratelimit import client_ip

    key = f"cms:contact:{client_ip(request)}"
    added = cache.add(key, 1, timeout=3600)
    if added:
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        return True
    return count <= getattr(settings, "CONTACT_MESSAGES_PER_HOUR", MESSAGES_PER_HOUR)
