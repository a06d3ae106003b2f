"""The second factor of a session: whether this session proved it, and recording it.

allauth keeps, per session, the list of ways the person authenticated in it
(``account_authentication_methods``): "password" at login, "mfa" once a TOTP or recovery
code was accepted (at login, or at the MFA re-authentication step). A session passed the
second factor when that list, for the signed-in person, holds an "mfa" entry. Setting up
TOTP for the first time proves the factor too (the form checks a code from the new
authenticator), so it is recorded then.
"""

from __future__ import annotations

from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from django.http import HttpRequest

MFA_METHOD = "mfa"


def session_passed_second_factor(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(
        isinstance(record, dict) and record.get("method") == MFA_METHOD
        for record in get_authentication_records(request, user)
    )


def record_second_factor_on_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Receiver of allauth's ``authenticator_added``: the person just proved a code from
    the new authenticator in this session."""
    if request is None or getattr(request, "user", None) is None:
        return
    if not request.user.is_authenticated or request.user.pk != user.pk:
        return
    if authenticator.type == authenticator.Type.RECOVERY_CODES:
        return
    record_authentication(
        request, user, MFA_METHOD, id=authenticator.pk, type=authenticator.type, activated=True
    )
