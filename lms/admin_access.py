"""Signed-in people without admin access get a 403 page at ``/admin/``, not a redirect.

Wagtail answers a signed-in person who lacks ``wagtailadmin.access_admin`` with a redirect
to its login URL (``wagtail.admin.auth.require_admin_access``), which here sends them to
allauth's login (``lms.views.login_elsewhere``), which sends a signed-in person back to
where they came from: a member who opened ``/admin/`` went round in circles. The site's
URL map wraps every admin view with :func:`deny_signed_in_without_admin_access`, so such a
person gets the site's 403 page (``templates/403.html``) instead.

Unchanged: anonymous visitors still go to the login page (Wagtail's own answer); staff with
admin access but without a screen's permission still get Wagtail's answer for that screen;
the views Wagtail leaves open to everyone (``OPEN_URL_NAMES``: login, password reset, the
icon sprite, the JavaScript translations) stay open. The second-factor rule
(``lms.middleware.StaffMFARequiredMiddleware``) runs before any view, so staff without the
second factor are still sent to it first.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from lms.permissions import can_access_admin

# Admin views Wagtail serves to anyone (outside its ``require_admin_access``).
OPEN_URL_NAMES = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
    }
)


def deny_signed_in_without_admin_access(view):
    """A view decorator: a signed-in person without admin access gets a 403 (the site's
    403 page), unless the view is one of ``OPEN_URL_NAMES``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        match = request.resolver_match
        url_name = match.url_name if match is not None else None
        if user.is_authenticated and url_name not in OPEN_URL_NAMES and not can_access_admin(user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def admin_urlpatterns() -> list:
    """Wagtail's admin URL patterns, each view wrapped by
    :func:`deny_signed_in_without_admin_access`."""
    return decorate_urlpatterns(wagtailadmin_urls.urlpatterns, deny_signed_in_without_admin_access)
