"""The auditor's register consent on their profile: one button to grant or withdraw it
(``services.register_consent_set``), beside the profile form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import services
from accreditation.models import AuditorProfile, RegisterConsent


@login_required
@require_POST
def register_consent(request):
    """POST ``consent=grant`` or ``consent=withdraw``: the signed-in auditor's own consent
    (there is no other person's to change here)."""
    choice = request.POST.get("consent")
    if choice not in ("grant", "withdraw"):
        raise Http404
    profile = AuditorProfile.objects.filter(user=request.user).first()
    if profile is None:
        messages.error(request, _("Save your auditor profile first."))
        return redirect("accreditation:profile")
    granted = choice == "grant"
    services.register_consent_set(
        profile=profile,
        granted=granted,
        actor=request.user,
        source=RegisterConsent.Source.PROFILE,
    )
    if granted:
        messages.success(request, _("Thank you: you are named on the public register."))
    else:
        messages.success(
            request, _("Your consent is withdrawn: you are no longer named on the public register.")
        )
    return redirect("accreditation:profile")
