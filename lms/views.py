import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from lms.forms import ProfileForm
from lms.redirects import is_safe_redirect
from lms.resilience import (
    CacheUnavailable,
    cache_required,
    database_unavailable,
    login_paused_message,
    unavailable_response,
)
from lms.services import user_update_profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            previous_language = user.preferred_language
            user_update_profile(user=user, **form.cleaned_data)
            # A newly chosen language applies at once: the page comes back in it (lms.i18n).
            language = translation.get_language()
            if user.preferred_language != previous_language:
                language = user.preferred_language
            with translation.override(language):
                messages.success(request, _("Your profile is saved."))
                return redirect(reverse("account_profile"))
    else:
        form = ProfileForm(
            initial={"full_name": user.full_name, "preferred_language": user.preferred_language}
        )
    return render(request, "lms/profile.html", {"form": form})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers requests. Touches neither the database nor the cache,
    so that an outage of either does not get healthy web processes restarted."""
    return JsonResponse({"status": "ok"})


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _cache_ready() -> bool:
    try:
        ping = getattr(cache, "ping", None)
        if ping is not None:
            ping()  # the Redis backend (lms.resilience.TolerantRedisCache)
        else:
            with cache_required():
                cache.get("lms:readyz")
    except (CacheUnavailable, DatabaseError):
        return False
    return True


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: whether this process can serve now, for a load balancer. 200 when the
    database and the cache both answer, else 503; the JSON says which check failed."""
    checks = {
        "database": "ok" if _database_ready() else "unavailable",
        "cache": "ok" if _cache_ready() else "unavailable",
    }
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's ``handler500``: an error that says the database (or, during a login, the
    cache) cannot be reached is a 503 with ``Retry-After`` (``lms.resilience``); anything
    else is Django's 500 page. Reached for errors outside a view (saving the session after
    it, say); loading the session and errors of a view are answered by
    ``ServiceUnavailableMiddleware``."""
    error = sys.exc_info()[1]
    if isinstance(error, CacheUnavailable):
        return unavailable_response(request, login_paused_message())
    if error is not None and database_unavailable(error):
        return unavailable_response(request)
    return defaults.server_error(request)


@never_cache
def login_elsewhere(request: HttpRequest) -> HttpResponse:
    """Every other login form (Wagtail's admin and front-end ones) sends people to the one
    login: allauth's, which asks for the second factor and keeps the rate limits. Nothing
    posted here is read; a safe ``next`` is passed on."""
    url = reverse("account_login")
    target = request.GET.get("next", "")
    if is_safe_redirect(request, target):
        url = f"{url}?{urlencode({'next': target})}"
    return redirect(url)
