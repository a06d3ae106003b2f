"""Forms of firm onboarding: the firm's application, staff decisions on it, co-admins."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.forms import EVIDENCE_MAX_BYTES, DateInput, ReasonForm
from accreditation.models import FirmApplication

CERTIFICATE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
# The first bytes each accepted kind of file starts with: a renamed file is refused.
_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def _starts_like(upload, extension: str) -> bool:
    head = upload.read(16)
    upload.seek(0)
    return any(head.startswith(signature) for signature in _SIGNATURES[extension])


class FirmApplicationForm(forms.ModelForm):
    """What a certification body tells the secretariat when it applies."""

    certificate = forms.FileField(
        label=_("Accreditation certificate"),
        # A plain input: the private file on record has no URL to show (served by a view).
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_(
            "The certificate of the ISO/IEC accreditation: PDF, JPEG or PNG, at most 10 MB."
        ),
    )
    admin_email = forms.EmailField(
        label=_("First administrator's e-mail"),
        disabled=True,
        required=False,
        help_text=_("Your account's address: you will be the firm's first administrator."),
    )
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )
    confirm_admin = forms.BooleanField(
        label=_("I am authorised to apply for this firm and will be its first administrator."),
    )

    class Meta:
        model = FirmApplication
        fields = [
            "legal_name",
            "country",
            "website",
            "scheme",
            "accreditation_body",
            "accreditation_number",
            "accreditation_scope",
            "accreditation_expires_on",
            "certificate",
            "admin_name",
            "admin_email",
            "contact_phone",
        ]
        widgets = {
            "accreditation_expires_on": DateInput(),
            "accreditation_scope": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "legal_name": _("Legal name of the firm"),
            "admin_name": _("First administrator's name"),
        }
        help_texts = {
            "legal_name": _("As on the accreditation certificate."),
            "accreditation_scope": _("The scope of the ISO/IEC accreditation, as certified."),
            "contact_phone": _("Optional."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["admin_email"].initial = user.email
        if not self.instance.pk:
            self.fields["admin_name"].initial = user.full_name
        else:  # a draft being changed: the certificate on file stays unless replaced
            self.fields["certificate"].required = False
            self.fields["certificate"].help_text = _(
                "A certificate is on file (%(name)s). Choose a file only to replace it."
            ) % {"name": self.instance.original_filename or "—"}
            self.fields["confirm_admin"].initial = True

    def clean_legal_name(self):
        return self.cleaned_data["legal_name"].strip()

    def clean_accreditation_expires_on(self):
        expires = self.cleaned_data["accreditation_expires_on"]
        if expires <= timezone.localdate():
            raise forms.ValidationError(
                _("The accreditation must still be valid: give an expiry date in the future.")
            )
        return expires

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if not isinstance(upload, UploadedFile):  # nothing new: the file on file stays
            return None
        extension = Path(upload.name).suffix.lower()
        if extension not in CERTIFICATE_EXTENSIONS:
            raise forms.ValidationError(_("Upload a PDF, JPEG or PNG file."))
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not _starts_like(upload, extension):
            raise forms.ValidationError(_("This file is not the kind of file its name says."))
        return upload

    def details(self) -> dict:
        """The application's details for the service (without the upload)."""
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in ("certificate", "confirm_admin", "admin_email")
        }
        data["admin_email"] = self.user.email
        return data


class FirmApplicationDecisionForm(ReasonForm):
    """Staff approve (with the first period's end) or reject; a reason either way."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=_("Accredited until (on approval)"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Empty: one year, or the ISO/IEC accreditation's expiry if sooner. The yearly "
            "renewal falls due on this date."
        ),
    )


class FirmAdminAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the new administrator"),
        help_text=_("The person must already have an account on this site."),
    )
