"""StreamField blocks for page bodies.

Nothing here calls the internet when a page renders: a video is either an uploaded file
(served through the checked document view and played by the browser's own player) or an
external link shown as a plain link, never an embed.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page

from courses.quiz import origins
from courses.quiz.models import Quiz


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section (h2)")), ("h3", _("Subsection (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


def image_has_alt_text(image) -> bool:
    """Whether ``image`` has alternative text: its description, which Wagtail's ``{% image %}``
    tag writes into ``alt`` (falling back to the title, often a file name, when empty)."""
    return bool((getattr(image, "description", "") or "").strip())


def missing_alt_text_error(image) -> ValidationError:
    return ValidationError(
        _(
            "The image “%(title)s” has no alternative text. Add it under Images (edit the "
            "image), then save again."
        ),
        params={"title": image.title},
        code="missing_alt_text",
    )


class ImageBlock(blocks.StructBlock):
    """An image; its alternative text is the image's own (required) description.

    Images made before alt text was required, or outside the admin, may still lack it: such
    an image cannot be saved into a page, so no page is published showing it.
    """

    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        image = value.get("image")
        if image is not None and not image_has_alt_text(image):
            raise blocks.StructBlockValidationError(
                block_errors={"image": missing_alt_text_error(image)}
            )
        return value


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(
        label=_("link text"), required=False, help_text=_("Defaults to the document title.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "cms/blocks/document.html"


class VideoBlock(blocks.StructBlock):
    """An uploaded video played by the browser, or a link to a video elsewhere."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    video = DocumentChooserBlock(
        label=_("video file"),
        required=False,
        help_text=_("An uploaded WebM or MP4 file, played on the page."),
    )
    captions = DocumentChooserBlock(
        label=_("captions (WebVTT)"), required=False, help_text=_("A .vtt captions file.")
    )
    external_url = blocks.URLBlock(
        label=_("external link"),
        required=False,
        help_text=_("Shown as a link; nothing is embedded from other sites."),
    )
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("video") and not value.get("external_url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "video": ValidationError(_("Choose a video file or give an external link."))
                }
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    text = blocks.TextBlock(label=_("text"), required=False)
    link_page = blocks.PageChooserBlock(label=_("page"), required=False)
    link_url = blocks.URLBlock(label=_("or URL"), required=False)
    button_text = blocks.CharBlock(label=_("button text"), max_length=60)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("link_page") and not value.get("link_url"):
            raise blocks.StructBlockValidationError(
                block_errors={"link_page": ValidationError(_("Choose a page or give a URL."))}
            )
        return value


class QuizChooserBlock(blocks.ChooserBlock):
    """Chooses a practice quiz of the quiz engine. Exams can never be chosen."""

    @cached_property
    def target_model(self):
        return Quiz

    def get_queryset(self):
        return Quiz.objects.filter(is_exam=False)

    @cached_property
    def field(self):
        return forms.ModelChoiceField(
            queryset=self.get_queryset(),
            widget=self.widget,
            required=self._required,
            validators=self._validators,
            help_text=self._help_text,
        )

    @cached_property
    def widget(self):
        return forms.Select()

    def get_form_state(self, value):
        return self.widget.format_value(self.field.prepare_value(value))

    def to_python(self, value):
        # A quiz deleted (or turned into an exam) since the page was saved renders nothing.
        if value is None:
            return None
        return self.get_queryset().filter(pk=value).first()

    def bulk_to_python(self, values):
        objects = self.get_queryset().in_bulk([v for v in values if v is not None])
        return [objects.get(value) for value in values]

    class Meta:
        icon = "form"


class KnowledgeCheckBlock(blocks.StructBlock):
    """Places a practice quiz inline: a card with a link where the learner starts it. The
    link carries the page as the quiz's origin (``page-<id>``), so the quiz, attempt and
    result pages link back here (``knowledge_check_origin``)."""

    quiz = QuizChooserBlock(label=_("quiz"))
    intro = blocks.TextBlock(
        label=_("introduction"),
        required=False,
        help_text=_("Defaults to the quiz's description."),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        quiz = value.get("quiz")
        url = quiz.get_absolute_url() if quiz else ""
        if quiz and getattr(page, "pk", None):
            url = origins.with_origin(url, f"page-{page.pk}")
        context["quiz_url"] = url
        return context

    class Meta:
        icon = "help"
        label = _("Knowledge check")
        template = "cms/blocks/knowledge_check.html"


def knowledge_check_origin(quiz, origin: str) -> origins.QuizOrigin | None:
    """The quiz engine's ``quiz_origin`` hook for ``page-<id>``: a live page whose body has
    a knowledge check of ``quiz`` (a learning module, a content page)."""
    parsed = origins.parse(origin)
    if parsed is None or parsed[0] != "page":
        return None
    page = Page.objects.live().filter(pk=parsed[1]).specific().first()
    raw = getattr(getattr(page, "body", None), "raw_data", None)
    if not raw:
        return None
    uses_quiz = any(
        block.get("type") == "knowledge_check"
        and str((block.get("value") or {}).get("quiz")) == str(quiz.pk)
        for block in raw
    )
    if not uses_quiz:
        return None
    parts = page.get_url_parts()
    if not parts:
        return None
    return origins.QuizOrigin(token=origin, label=page.title, url=parts[2])


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        template="cms/blocks/paragraph.html",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    document = DocumentBlock()
    video = VideoBlock()
    call_to_action = CallToActionBlock()
    knowledge_check = KnowledgeCheckBlock()

    class Meta:
        block_counts = {}
