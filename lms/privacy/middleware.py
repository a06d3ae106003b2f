"""Signed-in people accept the notices in force before they go on.

For a signed-in person with a version of the terms of use or of the privacy notice in
force that they have not accepted (``selectors.versions_to_accept``), every HTML page
asked for with GET redirects to the accept page, which comes back afterwards. Never
redirected, so that nobody is trapped:

- the accept page itself, signing out, and every step of signing in, e-mail confirmation,
  password reset and the second factor (``ALLOWED_URL_NAMES``, the same as the staff
  second-factor check plus the accept page);
- the notices themselves (``selectors.NOTICE_PATHS`` and the pages of the versions);
- static and media files, documents, the health checks, the API (``api`` namespaces) and
  anything that is not a GET/HEAD of an HTML page: a form already being sent, a quiz answer
  saved in the background, a CSV asked for by a script;
- a quiz attempt in progress (``quiz:attempt`` and its steps): a timed exam is not
  interrupted; the person is asked on the next page.

It only reads: accepting is a POST on the accept page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from lms.middleware import StaffMFARequiredMiddleware
from lms.privacy.selectors import NOTICE_PATHS, versions_to_accept

ALLOWED_URL_NAMES = StaffMFARequiredMiddleware.ALLOWED_URL_NAMES | {
    "readyz",
    "account_signup",
    "mfa_index",
    "mfa_generate_recovery_codes",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_trust",
}
ALLOWED_NAMESPACED = {("privacy", "accept")}
UNINTERRUPTED = {("quiz", "attempt"), ("quiz", "summary")}


def _passes(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return True
    accept = request.headers.get("Accept", "")
    if accept and "text/html" not in accept and "*/*" not in accept:
        return True
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    path = request.path_info
    prefixes = (settings.STATIC_URL, settings.MEDIA_URL, "/documents/", "/admin/login/")
    if any(prefix and path.startswith(prefix) for prefix in prefixes):
        return True
    if any(path.startswith(notice) for notice in NOTICE_PATHS.values()):
        return True
    match = request.resolver_match
    if match is None:
        return True
    if match.namespace.startswith("api"):
        return True
    if not match.namespace and match.url_name in ALLOWED_URL_NAMES:
        return True
    key = (match.namespace, match.url_name)
    return key in ALLOWED_NAMESPACED or key in UNINTERRUPTED


class ConsentRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _passes(request):
            return None
        versions = versions_to_accept(user)
        if not versions:
            return None
        if any(version.page.url and request.path_info == version.page.url for version in versions):
            return None
        target = reverse("privacy:accept")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
