"""Which language a request is answered in, and the same page in the other languages.

The rules (README, "Languages"):

- Site pages live under ``i18n_patterns`` (``lms/urls.py``): English unprefixed, the other
  working languages under their prefix (``/fr/auditors/``, ``/zh-hans/``, ``/de/``,
  ``/pt-br/``). An unprefixed site page is always English, whatever the browser asks for:
  the URL alone decides, so that a link, a bookmark and a cached page mean one thing.
- Paths outside the prefix (the API, the Wagtail admin, documents, health checks, the
  Stripe webhook, the JavaScript catalogue) are never prefixed. There the
  ``Accept-Language`` header decides, if it names a supported language (else English);
  the language cookie is not read. The Wagtail admin then applies each user's own admin
  language on top (``wagtail.admin.localization``).
- The language switcher and the ``hreflang`` alternates link to the same path and query
  string in each language (:func:`page_in_language`); pages outside the prefix get none.
- After sign-in a person lands in their preferred language (:func:`in_language`, used by
  ``lms.adapters.AccountAdapter.post_login``); switching language with the switcher does
  not change the stored preference, which is edited on the profile.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, get_resolver
from django.utils import translation
from django.utils.translation import trans_real
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

# BCP 47 spelling of each language code, for <html lang> and hreflang.
_BCP47 = {"zh-hans": "zh-Hans", "pt-br": "pt-BR"}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_of(user) -> str:
    """The working language to write to ``user`` in (e-mails, exports): their preferred
    language when it is one of ``LANGUAGES``, else the default."""
    language = getattr(user, "preferred_language", "") or ""
    return language if language in language_codes() else settings.LANGUAGE_CODE


def bcp47(language: str) -> str:
    """``zh-hans`` -> ``zh-Hans``, ``pt-br`` -> ``pt-BR``: the tag as HTML expects it."""
    return _BCP47.get(language, language)


def split_language(path_info: str) -> tuple[str | None, str]:
    """The language prefix of a path, if any, and the path without it:
    ``/fr/auditors/`` -> ``("fr", "/auditors/")``, ``/auditors/`` -> ``(None, "/auditors/")``.
    """
    segments = path_info.split("/", 2)
    if len(segments) > 1 and segments[1] in language_codes() and segments[1] != "":
        language = segments[1]
        if language != settings.LANGUAGE_CODE:
            rest = segments[2] if len(segments) > 2 else ""
            return language, "/" + rest
    return None, path_info


def is_outside_prefix(path_info: str, urlconf: str | None = None) -> bool:
    """Whether an unprefixed path is answered by a URL pattern outside ``i18n_patterns``
    (the API, the admin, documents, ...). Reads the URL map itself, in the order Django
    tries it, so that a pattern added to either list is classed without a second list
    to keep up to date."""
    resolver = get_resolver(urlconf)
    path = path_info[1:] if path_info.startswith("/") else path_info
    with translation.override(settings.LANGUAGE_CODE):
        for pattern in resolver.url_patterns:
            try:
                match = pattern.resolve(path)
            except Resolver404:
                continue
            if match:
                return not isinstance(pattern.pattern, LocalePrefixPattern)
    return True


def localised_path(path_info: str, language: str) -> str:
    """A site path (with or without a language prefix) in ``language``."""
    _current, bare = split_language(path_info)
    if language == settings.LANGUAGE_CODE:
        return bare
    return f"/{language}{bare}"


def page_in_language(request: HttpRequest, language: str) -> str | None:
    """The URL (path and query string, no host) of the page ``request`` shows, in
    ``language``; None when the page is outside the language prefix."""
    urls = pages_in_languages(request)
    return None if urls is None else urls[language]


#: A query parameter longer than this is not carried into the language links.
LONGEST_KEPT_VALUE = 200


def _query_to_keep(query: str) -> str:
    """The query string the language links carry (filters, page numbers): without values
    that are addresses elsewhere or very long, so a link crafted with a hostile parameter
    (``?from=https://evil.example/``) is never echoed into the page's links."""
    if not query:
        return ""
    kept = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        lowered = value.strip().lower()
        if (
            "://" in lowered
            or lowered.startswith(("//", "/\\", "\\"))
            or lowered.startswith(("javascript:", "data:", "vbscript:"))
            or len(value) > LONGEST_KEPT_VALUE
            or len(name) > LONGEST_KEPT_VALUE
        ):
            continue
        kept.append((name, value))
    return urlencode(kept)


def pages_in_languages(request: HttpRequest) -> dict[str, str] | None:
    """:func:`page_in_language` for every working language at once (one URL lookup)."""
    _current, bare = split_language(request.path_info)
    if is_outside_prefix(bare, getattr(request, "urlconf", None)):
        return None
    script_prefix = request.path[: len(request.path) - len(request.path_info)]
    query = _query_to_keep(request.META.get("QUERY_STRING", ""))
    suffix = f"?{query}" if query else ""
    return {code: script_prefix + localised_path(bare, code) + suffix for code in language_codes()}


def in_language(url: str, language: str | None) -> str:
    """A local URL moved into ``language`` (sign-in redirects). Anything else (another
    host, a path outside the prefix, an unknown language) comes back unchanged."""
    if not url or language not in language_codes():
        return url
    if not url.startswith("/") or url.startswith("//"):
        return url
    path, sep, query = url.partition("?")
    _current, bare = split_language(path)
    if is_outside_prefix(bare):
        return url
    return localised_path(bare, language) + sep + query


def languages(request: HttpRequest) -> dict:
    """Template context: ``html_lang`` for ``<html lang>``, ``language_prefix`` (``""`` or
    ``"/fr"``) for hand-written links, and ``language_links``, one
    entry per working language (code, name in that language, URL, absolute URL, current)
    for the switcher and the ``hreflang`` alternates; empty outside the prefix."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    prefix = "" if current == settings.LANGUAGE_CODE else f"/{current}"
    context = {
        "html_lang": bcp47(current),
        # For hand-written site links in templates: href="{{ language_prefix }}/auditors/".
        "language_prefix": prefix,
        "language_links": [],
        "language_default_url": "",
    }
    if getattr(request, "path_info", None) is None:
        return context
    urls = pages_in_languages(request)
    if urls is None:
        return context
    links = []
    for code, url in urls.items():
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "hreflang": bcp47(code),
                "name": info["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    context["language_links"] = links
    context["language_default_url"] = next(
        link["absolute_url"] for link in links if link["code"] == settings.LANGUAGE_CODE
    )
    return context


def language_from_header(request: HttpRequest) -> str:
    """The first supported language the ``Accept-Language`` header names, else English."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for accept_lang, _quality in trans_real.parse_accept_lang_header(header):
        if accept_lang == "*":
            break
        try:
            return translation.get_supported_language_variant(accept_lang)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def request_language(request: HttpRequest) -> str:
    """The language a request is answered in, by the rules above, without activating it
    (for answers given before ``LocaleMiddleware`` runs, such as ``lms.input_guard``'s)."""
    language = translation.get_language_from_path(request.path_info)
    if language:
        return language
    if is_outside_prefix(request.path_info, getattr(request, "urlconf", None)):
        return language_from_header(request)
    return settings.LANGUAGE_CODE


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's middleware (the URL prefix decides on site pages, an unprefixed site page
    is English), except that outside the prefix only ``Accept-Language`` decides.

    Only answers chosen by the header say ``Vary: Accept-Language``: an unprefixed site page
    is English for everyone, so a shared cache (CDN) may keep one copy of it."""

    def process_request(self, request):
        super().process_request(request)
        request.language_from_header = False
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_used, _prefixed_default = is_language_prefix_patterns_used(urlconf)
        if not i18n_used:
            request.language_from_header = True  # Django's own rules apply
            return
        if translation.get_language_from_path(request.path_info):
            return
        if is_outside_prefix(request.path_info, urlconf):
            translation.activate(language_from_header(request))
            request.LANGUAGE_CODE = translation.get_language()
            request.language_from_header = True

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not getattr(request, "language_from_header", True) and response.has_header("Vary"):
            kept = [
                value.strip()
                for value in response["Vary"].split(",")
                if value.strip() and value.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


# The catalogue changes only with a deploy: one Last-Modified per process.
_catalogue_loaded_at = None


def _catalogue_last_modified(request, *args, **kwargs):
    global _catalogue_loaded_at
    if _catalogue_loaded_at is None:
        from django.utils import timezone

        _catalogue_loaded_at = timezone.now().replace(microsecond=0)
    return _catalogue_loaded_at


class _ProjectJavaScriptCatalog(JavaScriptCatalog):
    """The project's own ``djangojs`` catalogue (``locale/``), not every app's."""

    packages = ["lms"]

    def get(self, request, *args, **kwargs):
        requested = request.GET.get("language", "")
        language = requested if requested in language_codes() else settings.LANGUAGE_CODE
        with translation.override(language):
            return super().get(request, *args, **kwargs)


javascript_catalog = last_modified(_catalogue_last_modified)(_ProjectJavaScriptCatalog.as_view())
"""``/jsi18n/?language=fr``: ``gettext()`` and friends for the site's scripts. Outside the
prefix (one URL per language, cacheable); base.html asks for the page's language."""
