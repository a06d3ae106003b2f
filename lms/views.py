from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lms.forms import ProfileForm
from lms.redirects import is_safe_redirect
from lms.services import user_update_profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_update_profile(user=user, **form.cleaned_data)
            messages.success(request, _("Your profile is saved."))
            return redirect("account_profile")
    else:
        form = ProfileForm(
            initial={"full_name": user.full_name, "preferred_language": user.preferred_language}
        )
    return render(request, "lms/profile.html", {"form": form})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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
