from __future__ import annotations

import re

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from courses.models import Assignment
from courses.validators import ALLOWED_EXTENSIONS, max_upload_bytes, validate_submission_file


class SubmissionForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea, required=False)
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if not assignment.accepts_text:
            del self.fields["text"]
        if not assignment.accepts_file:
            del self.fields["file"]
        else:
            self.fields["file"].help_text = _("Up to %(size)s. Accepted types: %(types)s.") % {
                "size": filesizeformat(max_upload_bytes()),
                "types": ", ".join(ALLOWED_EXTENSIONS),
            }
            self.fields["file"].widget.attrs["accept"] = ",".join(
                f".{ext}" for ext in ALLOWED_EXTENSIONS
            )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_submission_file(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        empty = not (cleaned.get("text") or "").strip() and not cleaned.get("file")
        if empty and not self.errors:
            raise forms.ValidationError(_("Write an answer or attach a file."))
        return cleaned


class MarkSubmissionForm(forms.Form):
    DECISIONS = [
        ("accepted", _("Accept")),
        ("needs_revision", _("Needs revision")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    feedback = forms.CharField(
        label=_("Feedback to the learner"), widget=forms.Textarea, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "needs_revision" and not cleaned.get("feedback", "").strip():
            self.add_error("feedback", _("Say what needs revising."))
        return cleaned


class VerifyCodeForm(forms.Form):
    """The box on /verify/: a certificate's code, or the verification link that holds it.

    Codes are URL-safe tokens (letters, digits, ``-`` and ``_``): anything else is refused
    here with a message, so the code always makes a valid /verify/<code>/ address.
    """

    CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

    code = forms.CharField(
        label=_("Certificate code"),
        max_length=300,
        help_text=_("The code printed on the certificate, or its whole verification link."),
        error_messages={"required": _("Enter the code printed on the certificate.")},
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip()
        # A pasted verification link: keep what follows /verify/ (up to the next / or ?).
        marker = "/verify/"
        if marker in value:
            value = value.split(marker, 1)[1]
            value = re.split(r"[/?#]", value, maxsplit=1)[0]
        if not self.CODE.match(value):
            raise forms.ValidationError(
                _(
                    "This is not a certificate code: a code has only letters, digits, "
                    "hyphens and underscores (at most 64)."
                )
            )
        return value
