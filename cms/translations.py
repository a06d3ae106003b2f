"""Content in the five working languages (README, "Languages").

Editors write in English. A page's translation is a page of its own in that language's
tree (a copy of the English tree made by wagtail-localize's "Translate" action, filled in
the admin or through a PO file), linked to the English page by ``translation_key``; the
Person snippet is translated the same way.

The rules the site keeps:

- Under ``/fr/...`` (``/zh-hans/``, ``/de/``, ``/pt-br/``) the page tree of that language
  answers; where it has no translation of a page (or no tree at all), the English page
  answers, with a notice that it is not translated yet (:func:`is_untranslated`,
  ``HomePage.route``).
- Lists across the site (recordings, modules, search, progress) are lists of the English
  pages, each shown in the reader's language when translated (:func:`localized`), so a
  translation never shows twice and an untranslated page is never missing.
- Progress on a learning module is kept against the English page: reading the French
  translation counts for the module (:func:`source_page`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from wagtail.models import DraftStateMixin, Locale, Page, TranslatableMixin
from wagtail_localize.fields import SynchronizedField

#: ``override_translatable_fields`` of every page type: a translation keeps the English
#: slug, so a page has the same path in every language (``/fr/learning/x/`` is the French
#: ``/learning/x/``) and the language switcher's links (lms/i18n.py) find it.
SAME_PATH = [SynchronizedField("slug")]


class ReaderLanguageUrlMixin:
    """For page types: a link to an English page on a page read under a language prefix
    keeps the prefix (``/fr/learning/x/``, not ``/learning/x/``). The reader stays in their
    language: that URL serves the page's translation when there is one, else the English
    page with the notice (``HomePage.route``). Links made outside a prefixed request (the
    admin, e-mails, sitemaps) are Wagtail's own."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        path_info = getattr(request, "path_info", None)
        if parts is None or not path_info or not parts[2]:
            return parts
        from lms.i18n import localised_path, split_language

        reader_language, _bare = split_language(path_info)
        page_language, _path = split_language(parts[2])
        if reader_language is None or page_language is not None:
            return parts
        site_id, root_url, page_path = parts
        return site_id, root_url, localised_path(page_path, reader_language)


def default_locale() -> Locale:
    return Locale.get_default()


def active_locale() -> Locale | None:
    """The Wagtail locale of the active language (None if it has none)."""
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None


def source_page(page, *, locale: Locale | None = None):
    """The English (default-language) page or snippet of which ``page`` is a translation,
    or ``page`` itself when it is English or has no English original. ``locale``: the
    default locale, when the caller has it already."""
    if page is None or not isinstance(page, TranslatableMixin):
        return page
    locale = locale or default_locale()
    if page.locale_id == locale.pk:
        return page
    return page.get_translation_or_none(locale) or page


def in_default_locale(queryset):
    """Only the English objects of a queryset of translatable objects."""
    return queryset.filter(locale=default_locale())


def localized(objects: Iterable, *, prefetch: tuple[str, ...] = ()) -> list:
    """Each translatable object (page or snippet) in the active language when it has a
    translation there (live, for pages), else as it is. A constant number of queries: one
    for the locale and one per model among the objects to swap; ``prefetch`` is applied to
    the translations fetched."""
    objects = list(objects)
    if not objects:
        return objects
    locale = active_locale()
    if locale is None:
        return objects
    keys_by_model: dict[type, set] = {}
    for obj in objects:
        if isinstance(obj, TranslatableMixin) and obj.locale_id != locale.pk:
            keys_by_model.setdefault(type(obj), set()).add(obj.translation_key)
    found = {}
    for model, keys in keys_by_model.items():
        translated = model._default_manager.filter(translation_key__in=keys, locale=locale)
        if issubclass(model, Page):
            translated = translated.live()
        if prefetch:
            translated = translated.prefetch_related(*prefetch)
        for obj in translated:
            found[(model, obj.translation_key)] = obj
    return [found.get((type(obj), getattr(obj, "translation_key", None)), obj) for obj in objects]


def localized_speakers(speakers: Iterable) -> list:
    """A recording's speakers (``RecordingSpeaker`` rows) with each person in the active
    language: the English page's speakers are the English people."""
    speakers = list(speakers)
    people = localized([speaker.person for speaker in speakers], prefetch=("photo__renditions",))
    for speaker, person in zip(speakers, people, strict=True):
        if person is not speaker.person:
            speaker.person = person
    return speakers


def is_untranslated(page, language: str | None = None) -> bool:
    """Whether a Wagtail page shown for ``language`` (default: the active one) is in
    another language: the reader gets the English page because no translation exists."""
    if not isinstance(page, Page) or not page.pk:
        return False
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        page_language = page.locale.language_code
    except Locale.DoesNotExist:
        return False
    return page_language != language


def translate_through_po(instance, locale: Locale, strings: dict[str, str]):
    """``instance`` (an English page or snippet) translated into ``locale`` the way a
    translator does it with wagtail-localize: the PO file of its translation exported,
    each ``msgid`` given its ``msgstr`` from ``strings`` (a string missing there stays
    English), imported, and the translation saved and published, which copies the page
    into the language's tree with ``copy_for_translation``, linked to the English page
    (and translates the parent pages first if they are not yet). Answers the translation
    and whether it was made now: an existing translation is left as it is.

    For seeding and tests; translators do the same in the admin."""
    from wagtail_localize.models import Translation, TranslationSource

    existing = instance.get_translation_or_none(locale)
    if existing is not None:
        return existing, False
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    translation_, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    po = translation_.export_po()
    for entry in po:
        entry.msgstr = strings.get(entry.msgid, entry.msgid)
    translation_.import_po(po, tool_name="seed")
    # Published now, not when the transaction commits (wagtail-localize's way): in a long
    # transaction (the demo) a page published after its children were added would be
    # saved back with its tree data as it was before them.
    draftable = isinstance(instance, DraftStateMixin)
    translation_.save_target(publish=not draftable)
    translated = instance.get_translation(locale)
    if draftable:
        translated.get_latest_revision().publish()
        translated.refresh_from_db()
    return translated, True
