"""Who is asking (the client address behind trusted proxies) and the login limits.

The client address
    Production runs behind a reverse proxy, so ``REMOTE_ADDR`` is the proxy and every
    visitor would share one address. ``TRUSTED_PROXY_COUNT`` says how many proxies of
    ours stand in front of the app; each appends the address it saw to
    ``X-Forwarded-For``. The client is the entry that the outermost trusted proxy wrote:
    the N-th from the right. Anything further left was written by the client and is
    never believed. With 0 (the default) the header is ignored.

The login limits (failed password checks only; a correct password costs nothing)
    ``login_failed``          per client address *and* account: the one that stops a
                              guesser; it also holds a correct password back, so guessing
                              on stays pointless. It never touches another account.
    ``login_failed_account``  per account, over all addresses: bounds a guesser who
                              spreads over many addresses. Set higher than what one
                              address can reach, so one address cannot lock an account.
    ``login_failed_address``  per client address, over all accounts: bounds one address
                              trying many accounts (password spraying).

    The last two can be set off by someone else (an attacker with many addresses, or
    one that shares a NAT with a victim). They are skipped for a browser that has
    completed a login to that same account before (a signed "known device" cookie set
    at login, after the second factor), so the owner is never locked out of their own
    account by them. A password reset clears the account's counters.

    The rates live in ``ACCOUNT_RATE_LIMITS`` (lms/settings/base.py) and are counted by
    allauth's rate-limit store (the shared cache).
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass, field

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

RATE_APP = "allauth.account"
PER_ADDRESS_AND_ACCOUNT = "login_failed"
PER_ACCOUNT = "login_failed_account"
PER_ADDRESS = "login_failed_address"

KNOWN_DEVICE_COOKIE = "lms_known_device"
KNOWN_DEVICE_SALT = "lms.ratelimit.known-device"
KNOWN_DEVICE_MAX_AGE = 180 * 24 * 3600
KNOWN_DEVICE_MAX_ACCOUNTS = 5


def _parse_address(value: str) -> str | None:
    """An IP address in canonical form, or None. Accepts ``1.2.3.4:port`` and
    ``[v6]:port`` as some proxies write them."""
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the person asking, taken through ``TRUSTED_PROXY_COUNT`` proxies."""
    remote = _parse_address(request.META.get("REMOTE_ADDR", "")) or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request skipped outer proxies, and every entry
    # present was still written by one of ours, so the left-most of them is the client.
    candidate = forwarded[-min(count, len(forwarded))]
    return _parse_address(candidate) or remote


def account_key(login: str) -> str:
    """The account a login attempt is about, as typed (e-mail addresses compare lowercase)."""
    return login.strip().lower()


# --- Known devices ------------------------------------------------------------------------


def _device_digest(login: str) -> str:
    return salted_hmac(KNOWN_DEVICE_SALT, account_key(login)).hexdigest()[:32]


def _known_digests(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def is_known_device(request: HttpRequest, login: str) -> bool:
    """Whether this browser has completed a login to this account before."""
    return bool(login) and _device_digest(login) in _known_digests(request)


def remember_device(request: HttpRequest, response: HttpResponse, login: str) -> None:
    """Marks this browser as one that completed a login to ``login``'s account."""
    digest = _device_digest(login)
    digests = [digest, *(d for d in _known_digests(request) if d != digest)]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(digests[:KNOWN_DEVICE_MAX_ACCOUNTS], salt=KNOWN_DEVICE_SALT),
        max_age=KNOWN_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- Failed-login counters ----------------------------------------------------------------


@dataclass
class LoginAttempt:
    """The counters one password check was charged to, so that a correct password can be
    refunded. ``retry_after`` (seconds) is set when a counter was full: then nothing was
    charged and the password must not be checked."""

    usages: list = field(default_factory=list)
    retry_after: int | None = None

    @property
    def refused(self) -> bool:
        return self.retry_after is not None

    def refund(self) -> None:
        for usage in self.usages:
            usage.rollback()
        self.usages.clear()


def _address_and_account(request: HttpRequest, login: str) -> str:
    return f"{client_ip(request)}|{account_key(login)}"


def _seconds_until_free(request: HttpRequest, action: str, key: str | None) -> int:
    """How long until the full counter of ``action`` has room again."""
    now = time.time()
    wait = 0.0
    for rate in allauth_ratelimit.get_rates(app=RATE_APP, action=action):
        cache_key = allauth_ratelimit.get_cache_key(
            request, app=RATE_APP, action=action, rate=rate, key=key
        )
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            # newest first: the slot frees when the amount-th newest hit expires
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))


def charge_login_attempt(request: HttpRequest, login: str) -> LoginAttempt:
    """Charges one password check on ``login`` to the failed-login counters. When one of
    them is full, nothing is charged and the attempt comes back refused."""
    attempt = LoginAttempt()
    buckets: list[tuple[str, str | None]] = [
        (PER_ADDRESS_AND_ACCOUNT, _address_and_account(request, login))
    ]
    if not is_known_device(request, login):
        buckets += [(PER_ACCOUNT, account_key(login)), (PER_ADDRESS, None)]
    for action, key in buckets:
        usage = allauth_ratelimit.consume(request, app=RATE_APP, action=action, key=key)
        if usage is None:
            attempt.refund()
            attempt.retry_after = _seconds_until_free(request, action, key)
            return attempt
        attempt.usages.append(usage)
    return attempt


def clear_login_failures(request: HttpRequest, login: str) -> None:
    """After a password reset: the account's own counters start again."""
    for action, key in (
        (PER_ADDRESS_AND_ACCOUNT, _address_and_account(request, login)),
        (PER_ACCOUNT, account_key(login)),
    ):
        allauth_ratelimit.clear(request, app=RATE_APP, action=action, key=key)
