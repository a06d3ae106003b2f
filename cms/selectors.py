"""Reads of the content site that depend on the person asking or on the date."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, ReferenceIndex

from cms.models import (
    MEMBERS_ONLY_PAGE_MODELS,
    HomePage,
    LearningModuleIndexPage,
    LearningModulePage,
    ModuleProgress,
    RecordingIndexPage,
    RecordingPage,
    Visibility,
)
from cms.permissions import can_view_members_only
from lms.models import User


def featured_modules(*, home: HomePage) -> list[LearningModulePage]:
    items = home.featured_modules.select_related("module").filter(module__live=True)
    return [item.module for item in items]


def learning_modules(*, index: LearningModuleIndexPage | None = None) -> QuerySet:
    modules = LearningModulePage.objects.live().prefetch_related("tagged_items__tag")
    if index is not None:
        modules = modules.child_of(index)
    return modules.order_by("path")


def module_progress_map(*, user: User | AnonymousUser, modules) -> dict[int, ModuleProgress.Status]:
    """Maps module id to the person's status; modules not begun are absent."""
    if not user.is_authenticated:
        return {}
    ids = [module.pk for module in modules]
    rows = ModuleProgress.objects.filter(user=user, module_id__in=ids)
    return dict(rows.values_list("module_id", "status"))


def with_progress(*, user: User | AnonymousUser, modules: list) -> list:
    """Sets ``progress_status`` (completed, started or None) on each module for display."""
    statuses = module_progress_map(user=user, modules=modules)
    for module in modules:
        module.progress_status = statuses.get(module.pk)
    return modules


@dataclass(frozen=True)
class ProgressSummary:
    completed: list[LearningModulePage]
    started: list[LearningModulePage]
    not_begun: list[LearningModulePage]

    @property
    def total(self) -> int:
        return len(self.completed) + len(self.started) + len(self.not_begun)


def module_progress_summary(*, user: User) -> ProgressSummary:
    """The learning modules a person may read, grouped by how far they have got."""
    modules = list(LearningModulePage.objects.live().order_by("path"))
    if not can_view_members_only(user):
        modules = [m for m in modules if m.visibility != Visibility.MEMBERS]
    statuses = module_progress_map(user=user, modules=modules)
    done = ModuleProgress.Status.COMPLETED
    return ProgressSummary(
        completed=[m for m in modules if statuses.get(m.pk) == done],
        started=[m for m in modules if statuses.get(m.pk) == ModuleProgress.Status.STARTED],
        not_begun=[m for m in modules if m.pk not in statuses],
    )


def _recordings(index: RecordingIndexPage | None) -> QuerySet:
    recordings = RecordingPage.objects.live().prefetch_related(
        "speakers__person", "tagged_items__tag"
    )
    if index is not None:
        recordings = recordings.child_of(index)
    return recordings


def upcoming_sessions(
    *, index: RecordingIndexPage | None = None, limit: int | None = None
) -> QuerySet:
    sessions = _recordings(index).filter(starts_at__gt=timezone.now()).order_by("starts_at")
    return sessions[:limit] if limit else sessions


def past_recordings(
    *, index: RecordingIndexPage | None = None, topic: str | None = None, year: int | None = None
) -> QuerySet:
    recordings = _recordings(index).filter(starts_at__lte=timezone.now())
    if topic:
        recordings = recordings.filter(tagged_items__tag__slug=topic)
    if year:
        recordings = recordings.filter(starts_at__year=year)
    return recordings.order_by("-starts_at").distinct()


def recording_topics(*, index: RecordingIndexPage | None = None):
    from taggit.models import Tag

    return (
        Tag.objects.filter(cms_recordingtag_items__content_object__in=_recordings(index))
        .distinct()
        .order_by("name")
    )


def recording_years(*, index: RecordingIndexPage | None = None) -> list[int]:
    past = _recordings(index).filter(starts_at__lte=timezone.now())
    return [moment.year for moment in past.dates("starts_at", "year", order="DESC")]


def members_only_page_ids() -> set[int]:
    ids: set[int] = set()
    for model in MEMBERS_ONLY_PAGE_MODELS:
        ids.update(model.objects.filter(visibility=Visibility.MEMBERS).values_list("pk", flat=True))
    return ids


def document_is_members_only(document) -> bool:
    """Whether a members-only page (any of its fields or body blocks) uses ``document``.

    Wagtail's reference index records every page field and StreamField block that points
    at a document, so a slide deck or video chosen on a members-only recording counts.
    A document used by a members-only page stays restricted even if a public page uses it
    too: the safer reading.
    """
    # The recording fields are checked directly too: the reference index may be updated
    # by a background task a moment after a page is saved.
    direct = Q(video=document) | Q(slides=document) | Q(captions=document)
    if RecordingPage.objects.filter(direct, visibility=Visibility.MEMBERS).exists():
        return True
    page_type = ContentType.objects.get_for_model(Page)
    referencing = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    page_ids = {int(pk) for pk in referencing.values_list("object_id", flat=True)}
    if not page_ids:
        return False
    return any(
        model.objects.filter(pk__in=page_ids, visibility=Visibility.MEMBERS).exists()
        for model in MEMBERS_ONLY_PAGE_MODELS
    )


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    kind: str
    summary: str
    members_only: bool = False


def search_site(*, user: User | AnonymousUser, query: str, limit: int = 50) -> list[SearchHit]:
    """Pages (with recording transcripts) and published courses matching ``query``.

    A person who is not a member never gets a members-only page, not even its title.
    """
    query = query.strip()
    if not query:
        return []
    pages = Page.objects.live().public().exclude(depth__lte=1)
    if not can_view_members_only(user):
        pages = pages.exclude(id__in=list(members_only_page_ids()))
    ids = [page.pk for page in pages.search(query)[:limit]]
    specific = {page.pk: page for page in Page.objects.filter(id__in=ids).specific()}
    hits = []
    for pk in ids:
        page = specific.get(pk)
        if page is None:
            continue
        hits.append(
            SearchHit(
                title=page.title,
                url=page.get_url(),
                kind=str(page._meta.verbose_name),
                summary=getattr(page, "summary", "") or getattr(page, "intro", "") or "",
                members_only=bool(getattr(page, "is_members_only", False)),
            )
        )
    hits.extend(_course_hits(query, limit))
    return hits


def _course_hits(query: str, limit: int) -> list[SearchHit]:
    from wagtail.search.backends import get_search_backend

    try:
        from courses.models import Course

        published = Course.objects.published()
    except (ImportError, AttributeError):  # no course catalogue (yet)
        return []
    courses = list(get_search_backend().search(query, published)[:limit])
    return [
        SearchHit(
            title=course.title,
            url=course.get_absolute_url(),
            kind=str(Course._meta.verbose_name),
            summary=getattr(course, "summary", ""),
        )
        for course in courses
    ]
