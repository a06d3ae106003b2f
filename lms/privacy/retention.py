"""The retention schedule: what personal data is removed, and when.

Each rule is a function ``apply(*, now, dry_run) -> Outcome`` that finds what is due on
``now``, and, unless ``dry_run``, removes it and writes one audit entry per thing removed.
Every rule's period is a setting (defaults in ``lms/settings/base.py``, listed in the
README):

=================================  ========================================================
rule                               what
=================================  ========================================================
``unverified-accounts``            accounts made at sign-up whose address was never
                                   verified and that never signed in, joined more than
                                   ``PRIVACY_UNVERIFIED_ACCOUNT_DAYS`` (30) days ago, are
                                   deleted (staff accounts never)
``expired-sessions``               sessions past their expiry date are deleted
``evidence-files`` (accreditation)  evidence files of accreditations that ended more than
                                   ``PRIVACY_EVIDENCE_YEARS`` (6) years ago (or of
                                   applications rejected that long ago) are deleted from
                                   the private storage; the evidence row stays, without
                                   its file
``attempt-free-text`` (quiz)       the typed answers (essays, short answers) and the
                                   marker's feedback of attempts finished more than
                                   ``PRIVACY_ATTEMPT_TEXT_YEARS`` (6) years ago are
                                   erased; marks and results stay
=================================  ========================================================

Rules of the apps above ``lms`` (accreditation, the quiz engine) are registered with the
Wagtail hook ``privacy_retention_rules``: a function returning a list of
:class:`RetentionRule`. ``lms``'s own rules are registered the same way
(``lms/privacy/wagtail_hooks.py``), so :func:`rules` is the whole schedule.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from wagtail import hooks

from lms import audit
from lms.models import User
from lms.privacy.models import RetentionRun

logger = logging.getLogger(__name__)

HOOK = "privacy_retention_rules"


@dataclass
class Outcome:
    """What a rule did (or, in a dry run, would do): ``count`` things, with the cut-off."""

    count: int
    noun: str  # "accounts", "sessions", ... (for the command's line)
    cutoff: datetime.datetime | datetime.date | None = None
    skipped: int = 0
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionRule:
    code: str
    description: str
    apply: Callable[..., Outcome]


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` years earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- lms's own rules --------------------------------------------------------------------


def unverified_accounts(*, now: datetime.datetime, dry_run: bool) -> Outcome:
    """Accounts made at sign-up (an e-mail address recorded, a usable password) whose
    address was never verified and that never signed in, joined before the cut-off.
    Staff and superusers are never deleted. An account that other records still need
    (a protected reference) is left and counted as skipped."""
    cutoff = now - datetime.timedelta(days=setting("PRIVACY_UNVERIFIED_ACCOUNT_DAYS", 30))
    due = (
        User.objects.filter(
            date_joined__lt=cutoff,
            last_login__isnull=True,
            is_staff=False,
            is_superuser=False,
            emailaddress__isnull=False,
        )
        .exclude(emailaddress__verified=True)
        .exclude(password__startswith="!")  # made by an import or an invitation
        .distinct()
        .order_by("pk")
    )
    if dry_run:
        return Outcome(count=due.count(), noun="accounts", cutoff=cutoff)
    deleted, skipped = [], 0
    for user in due:
        pk, joined = user.pk, user.date_joined
        try:
            with transaction.atomic():
                audit.record(
                    "privacy.account.deleted",
                    instance=user,
                    title=f"Account {pk}",
                    data={"rule": "unverified-accounts", "joined": joined.isoformat()},
                )
                user.delete()
        except ProtectedError:
            logger.warning("Retention: account %s is still referenced; kept.", pk)
            skipped += 1
            continue
        deleted.append(pk)
    return Outcome(count=len(deleted), noun="accounts", cutoff=cutoff, skipped=skipped, ids=deleted)


def expired_sessions(*, now: datetime.datetime, dry_run: bool) -> Outcome:
    """Sessions past their expiry date (signed-out or abandoned), from the database."""
    due = Session.objects.filter(expire_date__lt=now)
    count = due.count()
    if not dry_run and count:
        due.delete()
    return Outcome(count=count, noun="sessions", cutoff=now)


def core_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            "unverified-accounts",
            "Unverified accounts that never signed in",
            unverified_accounts,
        ),
        RetentionRule("expired-sessions", "Expired sessions", expired_sessions),
    ]


# --- the schedule -----------------------------------------------------------------------


def rules() -> list[RetentionRule]:
    """Every rule registered with the ``privacy_retention_rules`` hook, in hook order."""
    found: list[RetentionRule] = []
    for hook in hooks.get_hooks(HOOK):
        found.extend(hook())
    return found


@dataclass
class Result:
    rule: RetentionRule
    outcome: Outcome


def apply_retention(*, dry_run: bool = False, now: datetime.datetime | None = None) -> list[Result]:
    """Applies every rule once (each in its own transaction) and, unless ``dry_run``, logs
    the run: a :class:`RetentionRun` with one audit entry per rule. A dry run writes
    nothing."""
    now = now or timezone.now()
    results = []
    for rule in rules():
        with transaction.atomic():
            outcome = rule.apply(now=now, dry_run=dry_run)
        results.append(Result(rule=rule, outcome=outcome))
    if not dry_run:
        with transaction.atomic():
            run = RetentionRun.objects.create(
                started_at=now,
                results=[
                    {
                        "rule": r.rule.code,
                        "count": r.outcome.count,
                        "skipped": r.outcome.skipped,
                        "cutoff": r.outcome.cutoff.isoformat() if r.outcome.cutoff else None,
                    }
                    for r in results
                ],
            )
            for entry in run.results:
                audit.record("privacy.retention.applied", instance=run, data=entry)
    return results
