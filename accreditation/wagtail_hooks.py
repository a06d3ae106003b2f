"""The accreditation back office's hooks in the Wagtail admin.

The back office's viewsets live in ``accreditation/admin/`` and are registered here, as one
"Accreditation" menu group (``AccreditationGroup``). Applications, accreditations and firms'
own accreditation change only through decision screens (``views/admin.py``) that call the
services. Every decision and event of this app is an entry of Wagtail's audit log, with its
action registered here (``register_log_actions``); the "Decisions log" report lists them,
read-only.

Also what accreditation plugs into the apps below it: the learner dashboard's panel
(``dashboard_panel``, see ``courses/dashboard.py``), accreditation certificates on
/verify/<code>/ (``verify_certificate``, see ``courses/verification.py``), and the firms and
auditors of firm admins for payments (``payments_firm_fee_pages``,
``payments_sitting_candidates``, see ``courses/payments/firms.py``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.log_actions import LogFormatter

import accreditation.privacy_onboarding  # noqa: F401  (firm applications in erasure)
import accreditation.privacy_rights  # noqa: F401  (its retention rule and log action)
from accreditation import selectors, services
from accreditation.admin import AccreditationGroup
from accreditation.models import DECISION_ACTIONS, EVENT_ACTIONS, Affiliation
from accreditation.views.auditor import dashboard_panel
from accreditation.views.pathway import pathway_panel
from accreditation.work_queues import staff_work_queues


@hooks.register("register_admin_viewset")
def register_viewset():
    return AccreditationGroup()


hooks.register("dashboard_panel", dashboard_panel, order=20)
# The guided path to accreditation, with the person's progress (selectors/pathway.py).
hooks.register("dashboard_panel", pathway_panel, order=15)
hooks.register("verify_certificate", selectors.find_accreditation_certificate)
# What waits for staff, on the admin dashboard and in the daily digest (lms.work_queues).
hooks.register("staff_work_queues", staff_work_queues, order=10)


class _ReasonFormatter(LogFormatter):
    """An entry's comment is its reason (shown in the admin's history and exports)."""

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("reason", "")


@hooks.register("register_log_actions")
def register_accreditation_log_actions(actions):
    """Every action code this app writes into the audit log (``lms.audit.record`` refuses
    any other): the decisions, and the events that are not decisions."""
    for code, label in {**DECISION_ACTIONS, **EVENT_ACTIONS}.items():
        attributes = {"label": label, "message": label}
        actions.register_action(code)(type("AccreditationLog", (_ReasonFormatter,), attributes))


@hooks.register("payments_firm_fee_pages")
def firm_fee_pages(user, kind: str) -> list[tuple[str, str]]:
    """Where ``user`` pays a firm fee of ``kind``: the fee page of each audit firm they
    administer (that page checks it again and hands the firm to payments)."""
    return [
        (firm.name, reverse("accreditation:firm_fee", kwargs={"firm_pk": firm.pk, "kind": kind}))
        for firm in user.administered_firms.order_by("name")
    ]


@hooks.register("payments_sitting_candidates")
def firm_sitting_candidates(admin) -> QuerySet:
    """The firm admin's own auditors (active accounts with an affiliation to a firm the
    admin runs, confirmed by the firm and current today): the only people a paid sitting
    may go to, and the only ones the sittings page lists. A pending request, a declined one
    or an ended affiliation does not count."""
    today = timezone.localdate()
    affiliations = Affiliation.objects.counting_on(today).filter(firm__admins=admin)
    return (
        get_user_model()
        .objects.filter(is_active=True, auditor_profile__affiliations__in=affiliations)
        .distinct()
        .order_by("full_name", "email")
    )


@hooks.register("courses_learning_record_changed")
@hooks.register("quiz_attempt_finalised")
def move_applications_after_learning(user=None, attempt=None) -> None:
    """A course completed, an assignment accepted or a quiz or exam finalised may meet a
    requirement: the person's open applications move at once, not on their next page view."""
    services.applications_refresh_for_user(user=user if user is not None else attempt.user)
