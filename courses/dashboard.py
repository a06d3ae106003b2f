"""The panel registry of the learner dashboard (/dashboard/).

Apps above courses (cms, accreditation, payments) add a panel from their
``AppConfig.ready()``::

    from courses.dashboard import register_panel
    register_panel("accreditation", 20, render_my_accreditation)

``render(request)`` returns HTML (already escaped, e.g. from ``render_to_string``) or
``None`` to show nothing. Panels appear after the dashboard's own sections, by ``order``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

PanelRender = Callable[[HttpRequest], "str | None"]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    render: PanelRender


_panels: dict[str, Panel] = {}


def register_panel(key: str, order: int, render: PanelRender) -> None:
    """Adds (or, with the same key, replaces) a dashboard panel."""
    _panels[key] = Panel(key=key, order=order, render=render)


def unregister_panel(key: str) -> None:
    _panels.pop(key, None)


def registered_panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def render_panels(request: HttpRequest) -> list[SafeString]:
    """Each registered panel's HTML, in order; a panel that fails is left out and logged,
    so one broken app cannot take the whole dashboard down."""
    rendered: list[SafeString] = []
    for panel in registered_panels():
        try:
            html = panel.render(request)
        except Exception:
            logger.exception("Dashboard panel %r failed to render", panel.key)
            continue
        if html:
            rendered.append(mark_safe(html))  # noqa: S308 - panels return rendered templates
    return rendered
