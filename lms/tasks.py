"""Background work of the identity app: account e-mails leave the request through a task,
so that a sign-up or a password reset answers in the same time whatever the e-mail says."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_account_email(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html: str = "",
    subtype: str = "plain",
    headers: dict[str, str] | None = None,
) -> int:
    """Sends one account e-mail: ``body`` in ``subtype`` (plain or html), with an HTML
    alternative when ``html`` is given."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or None)
    message.content_subtype = subtype
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
