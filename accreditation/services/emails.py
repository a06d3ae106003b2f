"""E-mails of the accreditation app: one for every decision, and expiry reminders.

Messages are sent after commit through a django-tasks task (immediate in dev and tests,
a queue in production). Bodies are plain text rendered from templates/accreditation/email/.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task
from wagtail.models import ModelLogEntry

from accreditation.selectors import DecisionRecord, decision_of
from lms.formats import as_date
from lms.i18n import language_codes, language_of
from lms.models import User


@task()
def send_email_task(subject: str, body: str, recipients: list[str]) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def recipients_by_language(
    recipients: list[str], default: str | None = None
) -> dict[str, list[str]]:
    """The addresses grouped by the language their owner is written to in
    (``lms.i18n.language_of``). An address that belongs to no account gets ``default`` (if
    it is a working language, else the site's); one whose account is inactive (erased,
    switched off) is left out: nobody is written to there."""
    accounts = {user.email: user for user in User.objects.filter(email__in=recipients)}
    fallback = default if default in language_codes() else settings.LANGUAGE_CODE
    groups: dict[str, list[str]] = {}
    for address in recipients:
        account = accounts.get(address)
        if account is not None and not account.is_active:
            continue
        language = language_of(account) if account is not None else fallback
        groups.setdefault(language, []).append(address)
    return groups


def send_after_commit(
    *, template: str, context: dict, recipients: list[str], language: str | None = None
) -> None:
    """Renders ``templates/accreditation/email/<template>.txt`` (first line: subject) and
    queues the message once the current transaction commits: one message per language of
    the recipients (:func:`recipients_by_language`; ``language`` is for addresses with no
    account), none to inactive accounts."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    context = {**context, "site_url": getattr(settings, "SITE_URL", "")}
    groups = recipients_by_language(recipients, default=language)
    for group_language, group in groups.items():
        with translation.override(group_language or settings.LANGUAGE_CODE):
            text = render_to_string(f"accreditation/email/{template}.txt", context).strip()
        subject, _sep, body = text.partition("\n")
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        subject = f"{prefix}{subject.strip()}"
        body = body.strip() + "\n"
        transaction.on_commit(
            lambda subject=subject, body=body, group=group: send_email_task.enqueue(
                subject=subject, body=body, recipients=group
            )
        )


def decision_recipients(decision: DecisionRecord) -> list[str]:
    """The auditor concerned and, for firm decisions, the firm's admins."""
    emails: list[str] = []
    if decision.accreditation is not None:
        emails.append(decision.accreditation.auditor.user.email)
    if decision.application is not None:
        emails.append(decision.application.auditor.user.email)
    if decision.firm is not None:
        emails.extend(decision.firm.admins.values_list("email", flat=True))
    return emails


def send_decision_email(entry: ModelLogEntry) -> None:
    """The e-mail about the decision that ``entry`` (a decisions-log entry) records, to the
    people concerned, after commit."""
    decision = decision_of(entry=entry)
    send_after_commit(
        template="decision",
        context={
            "decision": decision,
            # The payload keeps ISO dates; the e-mail writes them in the reader's language.
            "valid_until": as_date(decision.payload.get("valid_until")),
        },
        recipients=decision_recipients(decision),
    )
