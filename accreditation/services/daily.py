"""The daily run: expiry, the register's read model, automatic application moves and
reminders.

Dates passing change the public register without any write (an element's end, a
future-dated suspension taking effect, a firm's period ending, a new code of conduct version
coming into force): the run refreshes the register's read model for its date
(``services.register.refresh_register``, which writes only what changed).

``run_daily`` is what ``manage.py accreditation_daily`` calls. It is safe to run twice on
the same day (or to miss a day): expiry writes a row only for elements still active, and
every reminder is recorded in ``ReminderSent`` (key, days before, recipient) before it is
sent. A reminder threshold that was skipped (the run did not happen that day) is sent
late, once: the smallest threshold reached wins and the larger ones count as sent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from accreditation import cache as register_cache
from accreditation import selectors
from accreditation.models import (
    OPEN_APPLICATION_STATUSES,
    Accreditation,
    Application,
    AuditFirm,
    ReminderSent,
    ScopeElement,
    ScopeStatus,
    StandardVersion,
)
from accreditation.services import emails
from accreditation.services.accreditations import expire_due
from accreditation.services.applications import application_refresh_status
from accreditation.services.firm_onboarding import send_renewal_reminders
from accreditation.services.register import refresh_register

THRESHOLDS = (90, 30, 7)


@dataclass
class DailyReport:
    expired: int = 0
    register_changed: int = 0  # rows of the register's read model written
    applications_moved: int = 0
    reminders: list[str] = field(default_factory=list)


def _threshold(days_left: int) -> int | None:
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached and days_left >= 0 else None


def _claim(key: str, threshold: int, recipient: str) -> bool:
    """Records the reminder (and the larger thresholds) once; False if already sent."""
    if ReminderSent.objects.filter(key=key, days_before=threshold, recipient=recipient).exists():
        return False
    try:
        with transaction.atomic():
            for t in THRESHOLDS:
                if t >= threshold:
                    ReminderSent.objects.get_or_create(key=key, days_before=t, recipient=recipient)
    except IntegrityError:  # a concurrent run got there first
        return False
    return True


def _scope_reminders(today: datetime.date, report: DailyReport) -> None:
    horizon = today + datetime.timedelta(days=max(THRESHOLDS))
    elements = (
        ScopeElement.objects.filter(valid_until__gte=today, valid_until__lte=horizon)
        .select_related("accreditation__auditor__user", "accreditation__firm", "sector")
        .prefetch_related("changes")
        .select_related("accreditation__standard_version__standard")
    )
    groups: dict[tuple[int, datetime.date], list[ScopeElement]] = {}
    for element in elements:
        status, _since = selectors.element_status_on(element, today)
        if status == ScopeStatus.ACTIVE:
            groups.setdefault((element.accreditation_id, element.valid_until), []).append(element)
    for (accreditation_id, valid_until), items in groups.items():
        threshold = _threshold((valid_until - today).days)
        if threshold is None:
            continue
        accreditation: Accreditation = items[0].accreditation
        user = accreditation.auditor.user
        if not user.is_active:  # erased or switched off: nobody to remind
            continue
        key = f"scope:{accreditation_id}:{valid_until.isoformat()}"
        if _claim(key, threshold, user.email):
            emails.send_after_commit(
                template="reminder",
                context={
                    "kind": "scope",
                    "days": (valid_until - today).days,
                    "accreditation": accreditation,
                    "valid_until": valid_until,
                    "elements": [
                        selectors.element_label(sector=e.sector, country=e.country) for e in items
                    ],
                },
                recipients=[user.email],
                language=getattr(user, "preferred_language", None),
            )
            report.reminders.append(f"{key} ({threshold} days) -> {user.email}")


def _firm_reminders(today: datetime.date, report: DailyReport) -> None:
    for firm in AuditFirm.objects.prefetch_related("periods", "admins", "status_changes"):
        periods = list(firm.periods.all())
        current = [p for p in periods if p.valid_from <= today <= p.valid_until]
        if not current:
            continue
        end = max(p.valid_until for p in current)
        if any(
            p.valid_from > end - datetime.timedelta(days=1)
            and p.valid_from <= end + datetime.timedelta(days=1)
            and p.valid_until > end
            for p in periods
        ):
            continue  # already renewed
        status, _since = selectors.firm_status_on(firm, today)
        if status != "active":
            continue
        threshold = _threshold((end - today).days)
        if threshold is None:
            continue
        key = f"firm:{firm.pk}:{end.isoformat()}"
        recipients = [admin.email for admin in firm.admins.all() if admin.is_active]
        for email in recipients:
            if _claim(key, threshold, email):
                emails.send_after_commit(
                    template="reminder",
                    context={
                        "kind": "firm",
                        "days": (end - today).days,
                        "firm": firm.name,
                        "valid_until": end,
                    },
                    recipients=[email],
                )
                report.reminders.append(f"{key} ({threshold} days) -> {email}")


def _transition_reminders(today: datetime.date, report: DailyReport) -> None:
    horizon = today + datetime.timedelta(days=max(THRESHOLDS))
    versions = StandardVersion.objects.filter(
        transition_deadline__gte=today, transition_deadline__lte=horizon
    ).select_related("standard")
    for version in versions:
        threshold = _threshold((version.transition_deadline - today).days)
        if threshold is None:
            continue
        requirements = [r for r in selectors.requirements_of(version=version) if r.is_transition]
        if not requirements:
            continue
        accreditations = selectors.accreditations_with_scope().filter(
            standard_version__standard=version.standard,
            source=Accreditation.Source.GRANTED,
        )
        seen: set[int] = set()
        for accreditation in accreditations:
            if accreditation.auditor_id in seen:
                continue
            if not any(selectors.element_active_on(e, today) for e in accreditation.scope.all()):
                continue
            seen.add(accreditation.auditor_id)
            user = accreditation.auditor.user
            if not user.is_active:
                continue
            missing = [
                r.title
                for r in requirements
                if selectors.requirement_met_on(user, r, today) is None
            ]
            if not missing:
                continue
            key = f"transition:{version.pk}:{accreditation.auditor_id}"
            if _claim(key, threshold, user.email):
                emails.send_after_commit(
                    template="reminder",
                    context={
                        "kind": "transition",
                        "days": (version.transition_deadline - today).days,
                        "version": str(version),
                        "deadline": version.transition_deadline,
                        "missing": missing,
                    },
                    recipients=[user.email],
                    language=getattr(user, "preferred_language", None),
                )
                report.reminders.append(f"{key} ({threshold} days) -> {user.email}")


def run_daily(*, on: datetime.date | None = None) -> DailyReport:
    today = on or timezone.localdate()
    report = DailyReport()
    report.expired = expire_due(on=today)
    with transaction.atomic():
        refreshed = refresh_register(on=today)
        if refreshed.changed:  # pages cached since midnight showed the day before
            register_cache.purge_on_commit()
    report.register_changed = (
        refreshed.entries_added
        + refreshed.entries_removed
        + refreshed.coverage_added
        + refreshed.coverage_removed
    )
    for application in Application.objects.filter(status__in=OPEN_APPLICATION_STATUSES):
        before = application.status
        application_refresh_status(application=application, on=today)
        if application.status != before:
            report.applications_moved += 1
    with transaction.atomic():
        _scope_reminders(today, report)
        _firm_reminders(today, report)
        _transition_reminders(today, report)
        # The yearly renewal fee of firms: 60 and 30 days before it is due, and on the day.
        report.reminders += send_renewal_reminders(on=today, reminded_today=tuple(report.reminders))
    return report
