"""Forms of the member pages (managers) and of the admin's member screens (secretariat)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.members.importer import MAX_FILE_BYTES
from lms.models import MembershipClass, OrganisationRole


class SearchForm(forms.Form):
    """A list's search box; an invalid value just means no search."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class ColleagueSearchForm(SearchForm):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Everyone")), *OrganisationRole.choices],
    )

    def role_value(self) -> str:
        return self.cleaned_data.get("role", "") if self.is_valid() else ""


class LearningFilterForm(SearchForm):
    """The learning page's filters; the organisation choice is for the secretariat."""

    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [
                ("", _("All organisations")),
                *organisations.values_list("pk", "name"),
            ]

    def organisation_id(self) -> int | None:
        if "organisation" not in self.fields or not self.is_valid():
            return None
        return self.cleaned_data.get("organisation")


class InviteColleagueForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail address"),
        help_text=_("We e-mail them a link to join your organisation. It works once, for 14 days."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class InviteForm(InviteColleagueForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=OrganisationRole.choices, initial=OrganisationRole.MEMBER
    )


class LinkPersonForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of an existing account"),
        help_text=_("To add someone without an account, send an invitation instead."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=OrganisationRole.choices, initial=OrganisationRole.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationRole.choices)


class LapsingFilterForm(SearchForm):
    membership_class = forms.ChoiceField(
        label=_("Membership class"),
        required=False,
        choices=[("", _("All classes")), *MembershipClass.choices],
    )

    def membership_class_value(self) -> str:
        return self.cleaned_data.get("membership_class", "") if self.is_valid() else ""


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with the columns organisation, membership_class, country, "
            "member_since, member_until, email, full_name, role; at most %(size)d kB."
        )
        % {"size": MAX_FILE_BYTES // 1024},
    )


class ImportConfirmForm(forms.Form):
    """Carries the previewed file to the confirmation, so that what is confirmed is what
    was previewed (nothing is stored in between)."""

    # A hidden textarea, not a hidden input: browsers keep a textarea's line breaks.
    text = forms.CharField(
        widget=forms.Textarea(attrs={"hidden": True, "aria-hidden": "true"}),
        strip=False,
        max_length=MAX_FILE_BYTES,
    )
    filename = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)
