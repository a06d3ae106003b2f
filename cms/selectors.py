"""Reads of the content site that depend on the person asking or on the date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, ReferenceIndex

from cms import translations
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
    return translations.localized([item.module for item in items])


def learning_modules(*, index: LearningModuleIndexPage | None = None) -> QuerySet:
    """The English modules (below ``index``'s English original): show them through
    ``translations.localized`` (cms/translations.py)."""
    modules = LearningModulePage.objects.live().prefetch_related("tagged_items__tag")
    if index is not None:
        modules = modules.child_of(translations.source_page(index))
    else:
        modules = translations.in_default_locale(modules)
    return modules.order_by("path")


def module_progress_map(*, user: User | AnonymousUser, modules) -> dict[int, ModuleProgress.Status]:
    """Maps module id to the person's status; modules not begun are absent. Progress is
    kept against the English module: a translation shows its original's status."""
    if not user.is_authenticated:
        return {}
    modules = list(modules)
    locale = translations.default_locale() if modules else None
    sources = {module.pk: translations.source_page(module, locale=locale).pk for module in modules}
    rows = ModuleProgress.objects.filter(user=user, module_id__in=set(sources.values()))
    by_source = dict(rows.values_list("module_id", "status"))
    return {pk: by_source[source] for pk, source in sources.items() if source in by_source}


def knowledge_checks_to_pass(*, user: User | AnonymousUser, module: LearningModulePage) -> list:
    """The module's knowledge-check quizzes ``user`` has still to pass before "Mark as
    complete" (empty when the module does not ask for a pass, or all are passed)."""
    if not module.knowledge_check_pass_required or not getattr(user, "is_authenticated", False):
        return []
    from courses.quiz import selectors as quiz_selectors

    quizzes = module.knowledge_check_quizzes
    passed = quiz_selectors.passed_on_many(user=user, quizzes=quizzes)
    return [quiz for quiz in quizzes if quiz.pk not in passed]


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
    english = translations.in_default_locale(LearningModulePage.objects.live())
    modules = with_members_only(translations.localized(english.order_by("path")))
    if not can_view_members_only(user):
        modules = [m for m in modules if not m.is_members_only]
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
        recordings = recordings.child_of(translations.source_page(index))
    else:
        recordings = translations.in_default_locale(recordings)
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


def _own_setting_members_only() -> Q:
    """Pages whose own visibility field says members-only, of any page type that has one."""
    return reduce(
        or_,
        (
            Q(pk__in=model.objects.filter(visibility=Visibility.MEMBERS).values("pk"))
            for model in MEMBERS_ONLY_PAGE_MODELS
        ),
    )


def members_only_paths() -> list[str]:
    """Tree paths of the pages set to members-only, leaving out those below another one.

    A page is members-only exactly when its treebeard ``path`` starts with one of these: it
    is one of them or below one. One query, however many pages there are.
    """
    paths = sorted(Page.objects.filter(_own_setting_members_only()).values_list("path", flat=True))
    roots: list[str] = []
    for path in paths:  # sorted, so a page comes right before the pages below it
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def _below_any(paths: list[str]) -> Q:
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(path__startswith=path) for path in paths))


def members_only_page_ids() -> set[int]:
    """Every members-only page: set so itself, or below a page that is. Two queries."""
    paths = members_only_paths()
    if not paths:
        return set()
    return set(Page.objects.filter(_below_any(paths)).values_list("pk", flat=True))


def members_only_ancestor(page: Page) -> Page | None:
    """The highest page at or above ``page`` that is set to members-only, if there is one.

    One query over the ancestors' paths (prefixes of the page's own path), not a walk up
    the tree.
    """
    return _highest_members_only_at_or_above([page.path])


def _highest_members_only_at_or_above(paths: Iterable[str]) -> Page | None:
    step = Page.steplen
    prefixes = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    if not prefixes:
        return None
    at_or_above = Page.objects.filter(_own_setting_members_only(), path__in=prefixes)
    return at_or_above.order_by("depth", "path").first()


def with_members_only(pages: list, *, paths: list[str] | None = None) -> list:
    """Sets ``is_members_only`` on each page of a listing in one query instead of one each.

    ``paths`` (from ``members_only_paths``) saves even that query when a view lists pages
    more than once.
    """
    if not pages:
        return pages
    roots = tuple(members_only_paths() if paths is None else paths)
    for page in pages:
        page.is_members_only = bool(roots) and page.path.startswith(roots)
    return pages


def pages_using_document(document) -> list[Page]:
    """The pages (live or not) whose own fields or body blocks use ``document``.

    Wagtail's reference index records every page field and StreamField block that points
    at a document. It indexes a page's row: the live content of a live page (a draft
    revision of it is not counted until published), the latest content of a page that is
    not live.
    """
    # The recording fields are checked directly too: the reference index may be updated
    # by a background task a moment after a page is saved.
    direct = Q(video=document) | Q(slides=document) | Q(captions=document)
    page_ids = set(RecordingPage.objects.filter(direct).values_list("pk", flat=True))
    page_type = ContentType.objects.get_for_model(Page)
    referencing = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    page_ids.update(int(pk) for pk in referencing.values_list("object_id", flat=True))
    if not page_ids:
        return []
    return list(Page.objects.filter(pk__in=page_ids).order_by("path"))


def document_is_members_only(document, *, pages: list[Page] | None = None) -> bool:
    """Whether a members-only page (live or not) uses ``document``.

    A slide deck or video chosen on a members-only recording counts, and so does one used
    by any page below a members-only page. A document used by a members-only page stays
    restricted even if a public page uses it too: the safer reading.
    """
    pages = pages_using_document(document) if pages is None else pages
    if not pages:
        return False
    return _highest_members_only_at_or_above([page.path for page in pages]) is not None


def images_without_alt_text() -> QuerySet:
    """Images with no alternative text (an empty description): uploaded before it was
    required, or made outside the admin. No page can be saved with one of them."""
    from wagtail.images import get_image_model

    empty = Q(description__regex=r"^\s*$")
    return get_image_model().objects.filter(empty).order_by("-created_at", "-pk")


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
    Pages are searched in English and in the reader's language; a page found in both
    is listed once, in the reader's language.
    """
    query = query.strip()
    if not query:
        return []
    default, active = translations.default_locale(), translations.active_locale()
    locales = {default.pk} | ({active.pk} if active else set())
    pages = Page.objects.live().public().exclude(depth__lte=1).filter(locale_id__in=locales)
    if not can_view_members_only(user):
        pages = pages.exclude(id__in=list(members_only_page_ids()))
    ids = [page.pk for page in pages.search(query)[:limit]]
    found = with_members_only(list(Page.objects.filter(id__in=ids).specific()))
    specific = {page.pk: page for page in found}
    translated = {page.translation_key for page in found if page.locale_id != default.pk}
    hits = []
    for pk in ids:
        page = specific.get(pk)
        if page is None:
            continue
        if page.locale_id == default.pk and page.translation_key in translated:
            continue  # its translation is listed
        hits.append(
            SearchHit(
                title=page.title,
                url=page.get_url(),
                kind=str(page._meta.verbose_name),
                summary=getattr(page, "summary", "") or getattr(page, "intro", "") or "",
                members_only=page.is_members_only,
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


# --- the auditor pathway page ----------------------------------------------------------


@dataclass(frozen=True)
class Fee:
    """A catalogue price as the pathway page prints it."""

    name: str
    prices: tuple[str, ...]  # "EUR 150.00", "EUR 0.00 for members", ...


@dataclass(frozen=True)
class PathwayStep:
    """One requirement of a programme: what is checked, and what it costs if it is sold."""

    title: str
    kind: str
    detail: str
    fees: tuple[Fee, ...]


@dataclass(frozen=True)
class PathwayProgramme:
    name: str
    standard: str
    validity_months: int
    steps: tuple[PathwayStep, ...]


@dataclass(frozen=True)
class Pathway:
    programmes: tuple[PathwayProgramme, ...]
    firm_fees: tuple[Fee, ...]


def _fee(item) -> Fee:
    from courses.payments.models import format_money

    prices = []
    for price in item.prices.all():
        prices.append(format_money(price.amount, price.currency))
        if price.member_amount is not None and price.member_amount != price.amount:
            prices.append(
                _("%(price)s for members")
                % {"price": format_money(price.member_amount, price.currency)}
            )
    return Fee(name=item.name, prices=tuple(prices))


def _requirement_detail(requirement) -> str:
    parts = []
    if requirement.min_percent is not None:
        parts.append(
            _("at least %(percent)s %%") % {"percent": f"{requirement.min_percent.normalize():f}"}
        )
    if requirement.sector_id:
        parts.append(_("for the %(sector)s sector") % {"sector": requirement.sector.display_name})
    if requirement.recency_months:
        parts.append(_("renewed every %(months)d months") % {"months": requirement.recency_months})
    if requirement.evidence_description:
        parts.append(requirement.evidence_description)
    return "; ".join(parts)


def auditor_pathway(*, today=None) -> Pathway:
    """What the "How to become an accredited auditor" page shows from the data: each
    current programme's requirements with the catalogue's fees for the courses and exams
    they name, and the audit firms' fees. A fixed number of queries."""
    from accreditation.models import Programme
    from courses.payments.models import FIRM_KINDS, CatalogueItem

    today = today or timezone.localdate()
    programmes = list(
        Programme.objects.filter(
            Q(standard_version__effective_until__isnull=True)
            | Q(standard_version__effective_until__gte=today),
            standard_version__effective_from__lte=today,
        )
        .select_related("standard_version__standard")
        .prefetch_related("requirements__sector")
        .order_by("standard_version__standard__name", "name")
    )
    on_sale = list(CatalogueItem.objects.active_on(today).prefetch_related("prices"))
    by_course: dict[int, list] = {}
    by_quiz: dict[int, list] = {}
    for item in on_sale:
        if item.course_id:
            by_course.setdefault(item.course_id, []).append(item)
        if item.quiz_id:
            by_quiz.setdefault(item.quiz_id, []).append(item)

    result = []
    for programme in programmes:
        steps = []
        for requirement in programme.requirements.all():
            items = by_course.get(requirement.course_id, []) + by_quiz.get(requirement.quiz_id, [])
            steps.append(
                PathwayStep(
                    title=requirement.title,
                    kind=requirement.get_kind_display(),
                    detail=_requirement_detail(requirement),
                    fees=tuple(_fee(item) for item in items),
                )
            )
        version = programme.standard_version
        result.append(
            PathwayProgramme(
                name=programme.name,
                standard=f"{version.standard.display_name} {version.version}",
                validity_months=programme.accreditation_validity_months,
                steps=tuple(steps),
            )
        )
    firm_fees = tuple(_fee(item) for item in on_sale if item.kind in FIRM_KINDS)
    return Pathway(programmes=tuple(result), firm_fees=firm_fees)
