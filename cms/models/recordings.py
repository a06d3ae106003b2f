"""The "45 minutes on ..." webinar series: upcoming live sessions and their recordings."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms import translations
from cms.blocks import BodyBlock, image_has_alt_text, missing_alt_text_error
from cms.models.access import MembersOnlyMixin

# What a recording card shows (selectors._recordings), for translations swapped in.
RECORDING_PREFETCH = ("speakers__person", "tagged_items__tag")
TIMESTAMP_RE = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)$")


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/London."),
            params={"value": value},
        ) from exc


def validate_timestamp(value: str) -> None:
    if not TIMESTAMP_RE.match(value.strip()):
        raise ValidationError(_("Write the time into the recording as m:ss or h:mm:ss."))


def timestamp_seconds(value: str) -> int:
    match = TIMESTAMP_RE.match(value.strip())
    if not match:
        return 0
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


class RecordingIndexPage(translations.ReaderLanguageUrlMixin, MembersOnlyMixin, Page):
    """Upcoming live sessions above past recordings, filterable by topic and year.

    Made members-only, it makes every recording below it members-only.
    """

    intro = models.TextField(_("introduction"), blank=True)
    per_page = 10

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [MembersOnlyMixin.visibility_panel, *Page.settings_panels]
    search_fields = [
        *Page.search_fields,
        *MembersOnlyMixin.visibility_search_fields,
        index.SearchField("intro"),
    ]
    override_translatable_fields = translations.SAME_PATH
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RecordingPage"]

    class Meta:
        verbose_name = _("recording index")

    def get_context(self, request, *args, **kwargs):
        from urllib.parse import urlencode

        from django.core.paginator import Paginator

        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        topic = request.GET.get("topic", "").strip()
        year_text = request.GET.get("year", "").strip()
        year = int(year_text) if year_text.isdigit() else None
        past = selectors.past_recordings(index=self, topic=topic or None, year=year)
        page_obj = Paginator(past, self.per_page).get_page(request.GET.get("page"))
        query = {k: v for k, v in (("topic", topic), ("year", year_text)) if v}
        members_only_paths = selectors.members_only_paths()
        context.update(
            upcoming=selectors.with_members_only(
                translations.localized(
                    selectors.upcoming_sessions(index=self), prefetch=RECORDING_PREFETCH
                ),
                paths=members_only_paths,
            ),
            page_obj=page_obj,
            recordings=selectors.with_members_only(
                translations.localized(page_obj.object_list, prefetch=RECORDING_PREFETCH),
                paths=members_only_paths,
            ),
            topics=selectors.recording_topics(index=self),
            years=selectors.recording_years(index=self),
            selected_topic=topic,
            selected_year=year,
            query_string=urlencode(query),
        )
        return context


class RecordingTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.RecordingPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class RecordingPage(translations.ReaderLanguageUrlMixin, MembersOnlyMixin, Page):
    """One session of "45 minutes on ...": live (upcoming) and then recorded."""

    summary = models.TextField(_("summary"), max_length=600)
    session_date = models.DateField(_("session date"))
    session_time = models.TimeField(_("start time"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text=_("The session date and time are in this time zone, e.g. Europe/Berlin."),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    # Derived from the three fields above (kept for ordering and filtering in SQL).
    starts_at = models.DateTimeField(_("starts at (UTC)"), editable=False, db_index=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    topics = ClusterTaggableManager(verbose_name=_("topics"), through=RecordingTag, blank=True)
    video = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("video file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The recording as a WebM or MP4 file."),
    )
    video_url = models.URLField(
        _("or video link"),
        blank=True,
        help_text=_("A recording hosted elsewhere, shown as a link (never embedded)."),
    )
    captions = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("captions (WebVTT)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    slides = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("slides"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    transcript = models.TextField(_("transcript"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("notes"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("session_date"),
                        FieldPanel("session_time"),
                        FieldPanel("time_zone"),
                    ]
                ),
                FieldPanel("duration_minutes"),
                FieldPanel("registration_url"),
            ],
            heading=_("Session"),
        ),
        InlinePanel("speakers", label=_("Speakers")),
        FieldPanel("topics"),
        MultiFieldPanel(
            [
                FieldPanel("video"),
                FieldPanel("video_url"),
                FieldPanel("captions"),
                FieldPanel("slides"),
                FieldPanel("transcript"),
            ],
            heading=_("Recording"),
        ),
        InlinePanel("chapters", label=_("Chapter markers")),
        FieldPanel("body"),
    ]
    settings_panels = [MembersOnlyMixin.visibility_panel, *Page.settings_panels]
    search_fields = [
        *Page.search_fields,
        *MembersOnlyMixin.visibility_search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("transcript"),
        index.SearchField("body"),
        index.FilterField("starts_at"),
    ]

    override_translatable_fields = [*translations.SAME_PATH, SynchronizedField("time_zone")]
    parent_page_types = ["cms.RecordingIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("recording")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from cms.translations import localized_speakers

        context["speakers"] = localized_speakers(
            self.speakers.select_related("person__photo").prefetch_related(
                "person__photo__renditions"
            )
        )
        return context

    def full_clean(self, *args, **kwargs):
        self.sync_starts_at()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.sync_starts_at()
        return super().save(*args, **kwargs)

    def sync_starts_at(self) -> None:
        """Keeps the UTC start in step with the local date, time and time zone."""
        if self.session_date and self.session_time and self.time_zone:
            try:
                zone = zoneinfo.ZoneInfo(self.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                return
            local = datetime.datetime.combine(self.session_date, self.session_time, tzinfo=zone)
            self.starts_at = local.astimezone(datetime.UTC)

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.starts_at > timezone.now()

    @cached_property
    def has_recording(self) -> bool:
        return bool(self.video_id or self.video_url)


class RecordingSpeaker(Orderable):
    page = ParentalKey(RecordingPage, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(
        "cms.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")

    def clean(self):
        super().clean()
        person = self.person if self.person_id else None
        if person is not None and person.photo and not image_has_alt_text(person.photo):
            raise ValidationError({"person": missing_alt_text_error(person.photo)})


class RecordingChapter(TranslatableMixin, Orderable):
    """A chapter marker: a point in the recording the player can jump to. Its title is
    translated with the page (wagtail-localize); its time is the same in every language."""

    page = ParentalKey(RecordingPage, on_delete=models.CASCADE, related_name="chapters")
    timestamp = models.CharField(
        _("time"), max_length=12, validators=[validate_timestamp], help_text=_("m:ss or h:mm:ss")
    )
    title = models.CharField(_("title"), max_length=200)

    panels = [FieldRowPanel([FieldPanel("timestamp"), FieldPanel("title")])]
    override_translatable_fields = [SynchronizedField("timestamp")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("chapter marker")

    @property
    def seconds(self) -> int:
        return timestamp_seconds(self.timestamp)
