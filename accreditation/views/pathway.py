"""The learner dashboard's "Becoming an accredited auditor" panel (courses'
``dashboard_panel`` hook, registered in ``accreditation/wagtail_hooks.py``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from accreditation.selectors.pathway import auditor_path


def pathway_panel(request) -> str | None:
    """The person's steps to accreditation with their progress; once accredited only a
    code of conduct version still to accept (the "Accreditation" panel shows the rest);
    nothing for people it is not for."""
    path = auditor_path(user=request.user)
    if path is None or (path.complete and path.conduct is None):
        return None
    return render_to_string("accreditation/pathway_panel.html", {"path": path}, request=request)
