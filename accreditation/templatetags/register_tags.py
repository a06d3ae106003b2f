"""The register's repeated markup, written in Python: the filter form's country list (about
250 options, the same for every visitor of a language), its firm list, and each listed
auditor's scope.

Both render exactly what their template versions did (``_scope_list.html`` stays for the
pages that show one list; ``tests/accreditation/test_register_render.py`` holds them equal),
but without a template node per option or per scope element: on an uncached register page
those were most of the rendering time.
"""

from __future__ import annotations

import html
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django_countries import countries

register = template.Library()


@lru_cache(maxsize=16)
def _country_codes(language: str | None) -> list[tuple[str, str]]:
    return [(str(code), str(name)) for code, name in countries]


@lru_cache(maxsize=2048)
def _country_options(language: str | None, selected: str) -> SafeString:
    return mark_safe(
        "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                code,
                mark_safe(" selected") if code == selected else "",
                name,
            )
            for code, name in _country_codes(language)
        )
    )


@register.simple_tag
def country_options(selected: str = "") -> SafeString:
    """The ``<option>`` of every country, in the active language's order, ``selected`` (a
    code, any case) marked: built once per language and selection."""
    language = get_language()
    selected = (selected or "").upper()
    if selected not in dict(_country_codes(language)):
        selected = ""  # nothing matches: the same list as no selection (and a bounded cache)
    return _country_options(language, selected)


@register.simple_tag
def firm_options(firms, selected: str = "") -> SafeString:
    """The ``<option>`` of every firm (``FirmChoice``: slug and name), ``selected`` (a slug)
    marked: written out rather than a template loop, which cost a node render and five
    context lookups per firm on every uncached register page. ``html.escape`` is what
    Django's ``escape`` calls, without its lazy-string wrapper (one call per value)."""
    return mark_safe(
        "".join(
            f'<option value="{html.escape(firm.slug)}"'
            f"{' selected' if firm.slug == selected else ''}>{html.escape(firm.name)}</option>"
            for firm in firms
        )
    )


def _text(value) -> str:
    return conditional_escape(value)


@register.simple_tag(takes_context=True)
def scope_list(context, scope, show_firm: bool = False) -> SafeString:
    """``accreditation/register/_scope_list.html`` for ``scope`` (scope elements with their
    sector, standard, firm and country), written out. The words for a sector, a country or
    a date are put together once per page render (a page lists the same ones many times)."""
    memo = context.render_context.setdefault("register_scope_list", {})
    if not memo:
        memo["through"] = gettext("through %(firm)s")
        memo["until"] = gettext("until %(date)s")
    parts = ['\n<ul class="register-scope">\n    ']
    for element in scope:
        key = ("element", element.sector_id, str(element.country))
        start = memo.get(key)
        if start is None:
            standard = element.sector.standard
            start = memo[key] = (
                f'\n        <li><abbr title="{_text(standard.display_name)}">'
                f"{_text(standard.code)}</abbr> · {_text(element.sector.display_name)}"
                f" · {_text(element.country.name)}"
            )
        line = [start]
        if show_firm:
            through = memo["through"] % {"firm": _text(element.accreditation.firm.name)}
            line.append(f' <span class="muted">({through})</span>')
        if element.valid_until:
            until = memo.get(("until", element.valid_until))
            if until is None:
                date = _text(date_filter(element.valid_until, "DATE_FORMAT"))
                until = memo[("until", element.valid_until)] = memo["until"] % {"date": date}
            line.append(f' <span class="muted">{until}</span>')
        line.append("</li>\n    ")
        parts.append("".join(line))
    parts.append("\n</ul>\n")
    return mark_safe("".join(parts))
