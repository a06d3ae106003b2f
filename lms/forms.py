from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lms.privacy import selectors as privacy_selectors
from lms.privacy import services as privacy_services
from lms.privacy.forms import accept_field
from lms.privacy.models import ConsentSource


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus the person's full name and preferred language."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As it should appear on certificates."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    field_order = ["full_name", "email", "preferred_language", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The language the person is reading the sign-up page in.
        if translation.get_language() in dict(settings.LANGUAGES):
            self.fields["preferred_language"].initial = translation.get_language()
        # Last: the box for the terms and the privacy notice in force, linked from it; the
        # versions are recorded as accepted with the new account.
        self.policy_versions = privacy_selectors.versions_in_force()
        self.fields["accept_policies"] = accept_field(self.policy_versions)

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your full name."))
        return name

    def try_save(self, request):
        """An address that already has an account gets the same answer as a new one
        (allauth sends its owner a notice instead of a confirmation link). It also costs
        the same work, so that the answer takes as long: the password is hashed, as
        creating the account would, and thrown away."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)

    def save(self, request):
        """The new account, with its acceptance of the versions in force (dated)."""
        user = super().save(request)
        if user is not None and self.policy_versions:
            privacy_services.record_acceptance(
                user=user, versions=self.policy_versions, source=ConsentSource.SIGNUP
            )
        return user


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )
