"""The "Learning modules" panel on the learner dashboard (/dashboard/)."""

from __future__ import annotations

from django.template.loader import render_to_string

from cms import selectors


def render_progress_panel(request) -> str | None:
    if not request.user.is_authenticated:
        return None
    summary = selectors.module_progress_summary(user=request.user)
    if not summary.total:
        return None
    return render_to_string("cms/dashboard_panel.html", {"summary": summary}, request=request)
