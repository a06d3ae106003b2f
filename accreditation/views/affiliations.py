"""What the firm admin's pages and the staff screens share about affiliations: the three
decisions (confirm, decline, end), each one service call."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accreditation import services
from accreditation.forms import AFFILIATION_FORMS
from accreditation.models import Affiliation
from lms.formats import local_date

ACTIONS = {
    "confirm": _("Confirm"),
    "decline": _("Decline"),
    "end": _("End the affiliation"),
}
DONE = {
    "confirm": _("The affiliation of %(name)s is confirmed."),
    "decline": _("The request of %(name)s is declined."),
    "end": _("The affiliation of %(name)s ends on %(date)s."),
}
# Which affiliations each decision applies to (the services refuse the others too).
APPLIES = {
    "confirm": lambda a: a.status == Affiliation.Status.PENDING,
    "decline": lambda a: a.status == Affiliation.Status.PENDING,
    "end": lambda a: a.status == Affiliation.Status.CONFIRMED and a.until is None,
}


def form_for(action: str, data=None):
    return AFFILIATION_FORMS[action](data)


def act(action: str, *, affiliation: Affiliation, user, data: dict) -> Affiliation:
    """Runs the service of ``action`` with the form's cleaned ``data``."""
    if action == "confirm":
        return services.affiliation_confirm(
            affiliation=affiliation, user=user, since=data.get("since")
        )
    if action == "decline":
        return services.affiliation_decline(
            affiliation=affiliation, user=user, reason=data["reason"]
        )
    return services.affiliation_end(
        affiliation=affiliation, user=user, until=data["until"], reason=data["reason"]
    )


def done_message(action: str, affiliation: Affiliation) -> str:
    user = affiliation.auditor.user
    return str(DONE[action]) % {
        "name": user.full_name or user.email,
        "date": local_date(affiliation.until) if affiliation.until else "",
    }
