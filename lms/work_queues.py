"""What waits for staff: the work queues of the admin dashboard and of the daily digest.

``lms`` knows nothing of the apps above it, so each app contributes its own queues through
the Wagtail hook ``staff_work_queues``: a function that takes the user and returns a list of
:class:`QueueItem`, one per queue that user may act on (none for the others). Each item
costs at most one query whatever the number of rows waiting (a count, and the oldest date,
in one aggregate). Hooks run in their registration order (``order=``): accreditation,
courses, quiz, payments.

The digest (``send_staff_digests``, run daily by ``python manage.py staff_digest``) sends
each secretariat member with a second factor, an active account and an e-mail address one
message listing their non-empty queues; nothing when all are empty. A ``DigestSent`` row
per person and day makes a second run on the same day send nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail import hooks

from lms import roles
from lms.i18n import language_of
from lms.models import DigestSent, User
from lms.tasks import send_account_email

HOOK = "staff_work_queues"


@dataclass(frozen=True, kw_only=True)
class QueueItem:
    """One queue of work: what it is (``label``), how many wait (``count``), where staff
    act on them (``url``, an admin list already filtered where the list allows it), since
    when the one that has waited longest waits (``oldest``, a date or a datetime; None when
    none wait or the queue is about deadlines), and which app it belongs to (``app``)."""

    label: str
    count: int
    url: str
    app: str
    oldest: datetime.date | datetime.datetime | None = None

    @property
    def oldest_date(self) -> datetime.date | None:
        """``oldest`` as a local date (for display)."""
        if isinstance(self.oldest, datetime.datetime):
            return timezone.localtime(self.oldest).date()
        return self.oldest


def work_queues(user) -> list[QueueItem]:
    """The queues ``user`` may act on, each with its count (zero counts included), in the
    order of the contributing hooks. Nobody signed in, or without staff rights, has none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    items: list[QueueItem] = []
    for contribute in hooks.get_hooks(HOOK):
        items.extend(contribute(user) or [])
    return items


def waiting(items: list[QueueItem]) -> list[QueueItem]:
    """The non-empty queues."""
    return [item for item in items if item.count > 0]


# --- The daily digest -------------------------------------------------------------------


@dataclass
class DigestReport:
    """What one run did: who was sent a digest, who had nothing waiting, who had one
    already today (e-mail addresses)."""

    sent: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)


def digest_recipients() -> QuerySet[User]:
    """Who gets the digest: secretariat staff (and superusers) with an active account, an
    e-mail address and a second factor set up (TOTP or a security key)."""
    from allauth.mfa.models import Authenticator

    with_second_factor = Authenticator.objects.filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).values("user_id")
    return (
        User.objects.filter(is_active=True, pk__in=with_second_factor)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__name=roles.SECRETARIAT))
        .distinct()
        .order_by("email")
    )


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{url}"


def render_digest(*, user: User, items: list[QueueItem]) -> tuple[str, str]:
    """The digest's subject and plain-text body for ``user`` (in their language), from
    ``templates/lms/email/staff_digest.txt`` (first line: subject). ``items`` carry their
    labels already translated (see ``send_staff_digests``)."""
    lines = [
        {"item": item, "url": _absolute(item.url), "oldest": item.oldest_date} for item in items
    ]
    with translation.override(language_of(user)):
        text = render_to_string(
            "lms/email/staff_digest.txt",
            {
                "user": user,
                "lines": lines,
                "dashboard_url": _absolute(reverse("wagtailadmin_home")),
            },
        ).strip()
    subject, _sep, body = text.partition("\n")
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return f"{prefix}{subject.strip()}", body.strip() + "\n"


def send_staff_digests(*, on: datetime.date | None = None, dry_run: bool = False) -> DigestReport:
    """Sends each of ``digest_recipients()`` one e-mail listing their non-empty queues, at
    most once per day ``on`` (default today): the ``DigestSent`` row is claimed in the same
    transaction that queues the e-mail (sent after commit), so a second run that day, or
    one running at the same time, sends nothing more. Nobody with nothing waiting is
    written to. ``dry_run`` reports what would be sent and neither sends nor records."""
    on = on or timezone.localdate()
    report = DigestReport()
    for user in digest_recipients():
        with translation.override(language_of(user)):  # the queues' labels, in their language
            items = waiting(work_queues(user))
        if not items:
            report.empty.append(user.email)
            continue
        if DigestSent.objects.filter(user=user, day=on).exists():
            report.already_sent.append(user.email)
            continue
        if dry_run:
            report.sent.append(user.email)
            continue
        subject, body = render_digest(user=user, items=items)
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=on)
                transaction.on_commit(
                    lambda subject=subject, body=body, to=user.email: send_account_email.enqueue(
                        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
                    )
                )
        except IntegrityError:  # a run at the same time got there first
            report.already_sent.append(user.email)
            continue
        report.sent.append(user.email)
    return report
