from __future__ import annotations

import logging

from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lms.mfa import session_passed_second_factor
from lms.permissions import has_mfa, holds_staff_powers
from lms.resilience import (
    CacheUnavailable,
    database_unavailable,
    enter_cache_required,
    leave_cache_required,
    login_paused_message,
    unavailable_response,
)

logger = logging.getLogger(__name__)


class StaffMFARequiredMiddleware:
    """No session reaches anything while it holds staff powers without the second factor.

    The rule, for every request that resolves to a view:

    - a signed-in person who holds any staff power (``lms.permissions.holds_staff_powers``:
      superuser, ``is_staff``, secretariat, or any permission at all),
    - whose session has not passed the second factor (``lms.mfa``: allauth recorded an
      "mfa" authentication in *this* session),
    - reaches only the pages in ``ALLOWED_URL_NAMES``: logging in and out, setting up TOTP,
      the MFA step, password reset and e-mail confirmation, the health check.

    Everything else (the Wagtail admin, staff views outside ``/admin/`` such as evidence
    files, certificates of others, orders, the sittings page, marking, exports, the API,
    and the public site too) answers with a redirect: to set up TOTP when the person has
    no authenticator yet, else to the MFA step (allauth's ``mfa_reauthenticate``), which
    comes back to the page asked for. API calls get a 403 JSON answer instead.

    One rule for every path rather than a list of staff URLs, so that a staff view added
    later is covered without anyone remembering it. Static files never reach Django's
    URL map (whitenoise answers them first). Pages that set up or pass the second factor
    themselves must stay in the allowlist; nothing else should be added to it.
    """

    ALLOWED_URL_NAMES = frozenset(
        {
            "account_login",
            "account_logout",
            "account_reauthenticate",
            "account_email_verification_sent",
            "account_confirm_email",
            "account_inactive",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "healthz",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and not match.namespace and match.url_name in self.ALLOWED_URL_NAMES:
            return None
        if session_passed_second_factor(request) or not holds_staff_powers(user):
            return None
        return self._require_second_factor(request, match)

    def _require_second_factor(self, request: HttpRequest, match) -> HttpResponse:
        if match is not None and match.namespace.startswith("api"):
            return JsonResponse(
                {"detail": _("Complete two-factor authentication to use staff access.")},
                status=403,
            )
        back = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
        if has_mfa(request.user):
            messages.warning(
                request,
                _("Enter the code from your authenticator app to continue with staff access."),
            )
            target = reverse("mfa_reauthenticate")
        else:
            messages.warning(
                request,
                _(
                    "Set up two-factor authentication before using staff tools: scan the code "
                    "with an authenticator app and enter the six digits it shows."
                ),
            )
            target = reverse("mfa_activate_totp")
        return redirect(f"{target}?{urlencode({'next': back})}")


class ServiceUnavailableMiddleware:
    """Outages of PostgreSQL or Redis answer with a 503, never a 500 (``lms.resilience``).

    - A request that cannot reach the database, to load who is signed in or in its view,
      gets a 503 with ``Retry-After`` (the 503 page, or JSON for the API and scripts).
      Errors raised by other middlewares (saving the session after the view) reach the
      site's ``handler500`` (``lms.views.server_error``), which answers the same way.
    - Logins fail closed: a POST to a page that checks a password or a second factor
      (``LOGIN_URL_NAMES``) runs under ``cache_required()``, so that the failed-login
      counters are never skipped; with the cache unreachable the person is told that
      signing in is paused for a moment (a 503). Every other use of the cache, other
      rate limits included, treats an unreachable cache as an empty one.
    """

    LOGIN_URL_NAMES = frozenset(
        {"account_login", "account_reauthenticate", "mfa_authenticate", "mfa_reauthenticate"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            token = request.__dict__.pop("_lms_cache_required", None)
            if token is not None:
                leave_cache_required(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        # Who is signed in is read here, before the middlewares after this one ask (the
        # second-factor check does, for every request): a session that cannot be loaded is
        # answered here, not logged as a server error with a traceback. (That traceback also
        # shows "'SessionStore' object has no attribute '_session_cache'": not a second
        # error, but the AttributeError that Django's session store catches to load the
        # session lazily, shown as the context of the database error raised while loading.)
        user = getattr(request, "user", None)
        try:
            if user is not None:
                user.is_authenticated  # noqa: B018 - loads the session and the user
        except DatabaseError as error:
            if not database_unavailable(error):
                raise
            return self._database_unavailable(request, error)
        match = request.resolver_match
        if (
            request.method == "POST"
            and match is not None
            and not match.namespace
            and match.url_name in self.LOGIN_URL_NAMES
        ):
            request._lms_cache_required = enter_cache_required()
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, CacheUnavailable):
            logger.warning("Login refused on %s: the cache is unreachable.", request.path)
            return unavailable_response(request, login_paused_message())
        if database_unavailable(exception):
            return self._database_unavailable(request, exception)
        return None

    @staticmethod
    def _database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.warning(
            "Database unavailable on %s %s: %s: %s",
            request.method,
            request.path,
            type(error).__name__,
            str(error).strip().splitlines()[-1] if str(error).strip() else "",
        )
        return unavailable_response(request)
