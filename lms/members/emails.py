"""E-mails of member organisations: the invitation. Sent after commit through the account
e-mail task (``lms.tasks.send_account_email``), so a rolled-back change sends nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from lms.models import Invitation
from lms.tasks import send_account_email


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("members:join", args=[token])


def send_invitation_after_commit(
    *, invitation: Invitation, token: str, language: str | None = None
) -> None:
    """Renders the invitation e-mail (``templates/lms/members/email/invitation.txt``, first
    line: subject) now and queues it once the transaction commits."""
    inviter = invitation.invited_by
    context = {
        "organisation": invitation.organisation,
        "inviter": inviter.get_full_name() if inviter is not None else "",
        "link": invitation_link(token),
        "expires": invitation.expires_at,
        "valid_days": max(1, (invitation.expires_at - invitation.created_at).days),
        "role": invitation.get_role_display(),
        "site_url": settings.SITE_URL,
    }
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        text = render_to_string("lms/members/email/invitation.txt", context).strip()
    subject, _sep, body = text.partition("\n")
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = {
        "subject": f"{prefix}{subject.strip()}",
        "body": body.strip() + "\n",
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [invitation.email],
    }
    transaction.on_commit(lambda: send_account_email.enqueue(**message))
