"""The "Accreditation" panel of the learner dashboard: applications and accreditations."""

from __future__ import annotations

from django.template.loader import render_to_string

from accreditation import selectors
from accreditation.models import AuditorProfile


def render_panel(request) -> str | None:
    """Shown to people with an auditor profile: status of each application and
    accreditation, and the next expiry date."""
    user = request.user
    if not user.is_authenticated or not AuditorProfile.objects.filter(user=user).exists():
        return None
    accreditations = []
    for accreditation in selectors.accreditations_of(user=user):
        accreditations.append(
            {
                "accreditation": accreditation,
                "status": selectors.accreditation_status_on(accreditation),
                "valid_until": selectors.accreditation_valid_until(accreditation),
            }
        )
    upcoming = [
        row["valid_until"]
        for row in accreditations
        if row["status"] == "active" and row["valid_until"]
    ]
    return render_to_string(
        "accreditation/dashboard_panel.html",
        {
            "applications": selectors.applications_of(user=user),
            "accreditations": accreditations,
            "next_expiry": min(upcoming) if upcoming else None,
        },
        request=request,
    )
