"""allauth, fitted to the platform: profile fields, client address, login limits, e-mail."""

from __future__ import annotations

import math
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from lms import ratelimit
from lms.i18n import in_language, language_codes
from lms.tasks import send_account_email


class AccountAdapter(DefaultAccountAdapter):
    """Stores the full name and preferred language given at sign-up; takes the client
    address through the trusted proxies; applies the login limits of ``lms.ratelimit``;
    hands every account e-mail to a background task."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data.get("full_name", "") or user.full_name
        user.preferred_language = data.get("preferred_language") or user.preferred_language
        if commit:
            user.save()
        return user

    # --- Who is asking ----------------------------------------------------------------

    def get_client_ip(self, request: HttpRequest) -> str:
        ip = ratelimit.client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    # --- Login limits -----------------------------------------------------------------

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = credentials.get("email") or credentials.get("username") or ""
        self._login_attempt = ratelimit.charge_login_attempt(request, login)
        if self._login_attempt.refused:
            minutes = max(1, math.ceil(self._login_attempt.retry_after / 60))
            # Someone who has forgotten their password need not wait: a reset lifts the
            # account's limit (ratelimit.clear_login_failures).
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("Forgotten your password? You need not wait:"),
                    reverse("account_reset_password"),
                    gettext("reset your password"),
                ),
            )
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(minutes)d minute.",
                    "Too many failed login attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="too_many_login_attempts",
            )

    def _rollback_login_failed_rl_usage(self) -> None:
        attempt = getattr(self, "_login_attempt", None)
        if attempt is not None:
            attempt.refund()

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        login = credentials.get("email") or credentials.get("username") or ""
        ratelimit.clear_login_failures(request, login)

    def post_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        # The person lands in their own language: /dashboard/ -> /fr/dashboard/ (lms.i18n).
        if isinstance(response, HttpResponseRedirect):
            response["Location"] = in_language(
                response["Location"], getattr(user, "preferred_language", None)
            )
        if user.email:
            ratelimit.remember_device(request, response, user.email)
        return response

    # --- E-mail -----------------------------------------------------------------------

    def send_notification_mail(self, template_prefix: str, user, context=None, email=None):
        """Security notices (password changed, e-mail added, ...) in the person's language."""
        language = getattr(user, "preferred_language", None)
        if language not in language_codes():
            language = translation.get_language()
        with translation.override(language):
            return super().send_notification_mail(template_prefix, user, context, email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Renders the message now and sends it from a task, so that every path that
        sends one e-mail takes the same time in the request, whatever the e-mail says."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        # In the recipient's own language when the e-mail is about a known account.
        language = getattr(context.get("user"), "preferred_language", None)
        if language not in language_codes():
            language = translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", []) or []
                if mimetype == "text/html"
            ),
            "",
        )
        send_account_email.enqueue(
            subject=str(message.subject),
            body=str(message.body),
            from_email=str(message.from_email),
            to=[str(address) for address in message.to],
            html=str(html),
            subtype=message.content_subtype,
            headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        )
