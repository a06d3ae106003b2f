from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lms.permissions import can_access_admin, has_mfa


class StaffMFARequiredMiddleware:
    """Secretariat staff cannot reach the Wagtail admin until they have set up MFA.

    Anyone with admin access who has no TOTP (or security key) authenticator is sent to
    the page that sets one up, and comes back to the admin afterwards.
    """

    prefix = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and request.path.startswith(self.prefix)
            and user.is_authenticated
            and can_access_admin(user)
            and not has_mfa(user)
        ):
            messages.warning(
                request,
                _(
                    "Set up two-factor authentication before using the admin: scan the code "
                    "with an authenticator app and enter the six digits it shows."
                ),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
