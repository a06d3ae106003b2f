"""Forms of the accreditation app: the auditor's pages and the staff decision screens."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accreditation import selectors
from accreditation.models import (
    AuditFirm,
    AuditorProfile,
    Requirement,
    ScopeElement,
)
from accreditation.selectors import element_label
from accreditation.selectors.conduct import conduct_in_force, conduct_to_accept
from lms.formats import local_date

EVIDENCE_EXTENSIONS = {".pdf", ".docx", ".odt", ".jpg", ".jpeg", ".png", ".txt"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def country_choices():
    return list(countries)


# --- auditor pages --------------------------------------------------------------------


class FilterableCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes in a fieldset with a box that narrows the list as one types (the script
    ``accreditation/choice-filter.js``; without it, the whole list shows)."""

    def __init__(self, *args, filter_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.filter_label = filter_label


class ApplicationForm(forms.Form):
    """What an auditor asks for: a firm, sectors of the version's vocabulary, countries."""

    firm = forms.ModelChoiceField(
        label=_("Audit firm"),
        queryset=AuditFirm.objects.none(),
        help_text=_(
            "The certification body you audit for. Its administrators are asked to confirm "
            "it; your accreditation through the firm counts once they do."
        ),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=country_choices,
        widget=FilterableCheckboxSelectMultiple(filter_label=_("Type to find a country")),
        help_text=_("Tick each country where you audit (ISO 3166 names)."),
    )

    def __init__(self, *args, standard_version, auditor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard_version = standard_version
        self.fields["sectors"].queryset = standard_version.sectors.order_by("name")
        self.fields["sectors"].label_from_instance = lambda sector: sector.display_name
        self.fields["firm"].queryset = selectors.firms_open_to_applications()
        # The code of conduct in force, unless this auditor accepted it already: ticked
        # here, recorded with the application (``services.conduct.conduct_accept``).
        if auditor is None:
            self.conduct_version = conduct_in_force()
        else:
            prompt = conduct_to_accept(auditor=auditor)
            self.conduct_version = prompt.version if prompt and prompt.in_force else None
        if self.conduct_version is not None:
            self.fields["accept_conduct"] = forms.BooleanField(
                label=_("I have read the code of conduct (version %(version)s) and accept it.")
                % {"version": self.conduct_version.label},
                error_messages={
                    "required": _("Accept the code of conduct to apply: auditors must keep to it.")
                },
            )


class EvidenceForm(forms.Form):
    requirement = forms.ModelChoiceField(
        label=_("Requirement"), queryset=Requirement.objects.none(), required=False
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, OpenDocument, JPEG, PNG or text; at most 10 MB."),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        programme = getattr(application.standard_version, "programme", None)
        queryset = (
            programme.requirements.filter(kind=Requirement.Kind.EVIDENCE_ACCEPTED)
            if programme
            else Requirement.objects.none()
        )
        self.fields["requirement"].queryset = queryset

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EVIDENCE_EXTENSIONS:
            raise forms.ValidationError(_("This kind of file is not accepted."))
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class AuditorProfileForm(forms.ModelForm):
    class Meta:
        model = AuditorProfile
        fields = ["languages", "listed_consent"]


# --- staff decisions ------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the decisions log and sent to the people concerned."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required."))
        return reason


class EvidenceReviewForm(ReasonForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )


class GrantForm(ReasonForm):
    scope = forms.MultipleChoiceField(
        label=_("Scope to grant"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave out what is not granted."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: the programme's validity period."),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for sector in application.sectors.order_by("name"):
            for code in application.countries:
                choices.append(
                    (f"{sector.slug}|{code}", element_label(sector=sector, country=code))
                )
        self.fields["scope"].choices = choices
        self.fields["scope"].initial = [value for value, _label in choices]
        self.fields["valid_from"].initial = timezone.localdate()

    def scope_pairs(self) -> list[tuple[str, str]]:
        return [tuple(value.split("|", 1)) for value in self.cleaned_data["scope"]]


def _offered(accreditation, action: str | None):
    """The scope elements a decision's form offers: those ``action`` may act on today
    (``selectors.elements_open_to``); every element when no action is named."""
    scope = accreditation.scope.select_related("sector")
    if action is None:
        return scope
    return scope.filter(pk__in=[e.pk for e in selectors.elements_open_to(accreditation, action)])


class ScopeDecisionForm(ReasonForm):
    """Suspend, reinstate, withdraw or reduce: some or all elements, from a date."""

    elements = forms.ModelMultipleChoiceField(
        label=_("Scope elements"),
        queryset=ScopeElement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    effective = forms.DateField(label=_("Effective from"), widget=DateInput())

    def __init__(self, *args, accreditation, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elements"].queryset = _offered(accreditation, action)
        self.fields["elements"].label_from_instance = lambda e: element_label(
            sector=e.sector, country=e.country
        )
        self.fields["effective"].initial = timezone.localdate()


class RenewForm(ReasonForm):
    elements = forms.ModelMultipleChoiceField(
        label=_("Scope elements"),
        queryset=ScopeElement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    valid_until = forms.DateField(
        label=_("New end date"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: one programme validity period after the current end date."),
    )

    def __init__(self, *args, accreditation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elements"].queryset = _offered(accreditation, "renew")
        self.fields["elements"].label_from_instance = lambda e: (
            f"{element_label(sector=e.sector, country=e.country)} "
            + _("(until %(date)s)") % {"date": local_date(e.valid_until)}
        )


class FirmDecisionForm(ReasonForm):
    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=DateInput(),
        required=False,
        help_text=_("For a grant. Empty: today."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        required=False,
        help_text=_("For a grant or renewal. Empty: one year."),
    )
    effective = forms.DateField(
        label=_("Effective from"),
        widget=DateInput(),
        required=False,
        help_text=_("For a suspension, reinstatement or withdrawal. Empty: today."),
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("valid_from", "valid_until", "effective"):
            value = cleaned.get(name)
            if value and value.year < 2000:
                self.add_error(name, _("Enter a date after 2000."))
        return cleaned


# --- affiliations: firms confirm their auditors ----------------------------------------


class AffiliationConfirmForm(forms.Form):
    since = forms.DateField(
        label=_("Works for the firm since"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: today. An earlier date if the auditor joined the firm earlier."),
    )

    def clean_since(self):
        since = self.cleaned_data.get("since")
        if since and since.year < 2000:
            raise forms.ValidationError(_("Enter a date after 2000."))
        return since


class AffiliationDeclineForm(ReasonForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the auditor and kept in the log."),
    )


class AffiliationEndForm(ReasonForm):
    until = forms.DateField(
        label=_("Last day with the firm"),
        widget=DateInput(),
        help_text=_("From the next day, accreditations through the firm no longer count."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the auditor and the firm's administrators, and kept in the log."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate()

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until.year < 2000:
            raise forms.ValidationError(_("Enter a date after 2000."))
        return until


AFFILIATION_FORMS = {
    "confirm": AffiliationConfirmForm,
    "decline": AffiliationDeclineForm,
    "end": AffiliationEndForm,
}


def confirmed(data) -> bool:
    return data.get("confirm") == "yes"
