"""The panels of the learner dashboard (/dashboard/), added by the apps above courses.

One Wagtail hook:

``dashboard_panel``
    ``fn(request) -> str | None``: the panel's HTML (already escaped, e.g. from
    ``render_to_string``) or ``None`` to show nothing. Registered in the higher app's
    ``wagtail_hooks.py`` with ``@hooks.register("dashboard_panel", order=N)``; panels
    appear after the dashboard's own sections, by ``order`` (accreditation 20, learning
    modules 30, payments 60).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

logger = logging.getLogger(__name__)

DASHBOARD_PANEL_HOOK = "dashboard_panel"


def render_panels(request: HttpRequest) -> list[SafeString]:
    """Each panel's HTML, in order; a panel that fails is left out and logged, so one
    broken app cannot take the whole dashboard down."""
    rendered: list[SafeString] = []
    for render in hooks.get_hooks(DASHBOARD_PANEL_HOOK):
        try:
            html = render(request)
        except Exception:
            logger.exception("Dashboard panel %r failed to render", render)
            continue
        if html:
            rendered.append(mark_safe(html))  # noqa: S308 - panels return rendered templates
    return rendered
