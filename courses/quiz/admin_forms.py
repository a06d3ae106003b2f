"""Forms of the quiz back office (Wagtail admin)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.quiz import formats
from courses.quiz.formats.base import FormatError, ParsedAnswer, ParsedQuestion, validate

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class QuestionForm(WagtailAdminModelForm):
    """Checks the question with its answers as a whole, with the importer's own rules."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("answers")
        if self.errors or formset is None or not formset.is_valid():
            return cleaned
        answers = [
            ParsedAnswer(
                text=form.cleaned_data.get("text", ""),
                match_text=form.cleaned_data.get("match_text", ""),
                fraction=form.cleaned_data.get("fraction") or Decimal("0"),
                tolerance=form.cleaned_data.get("tolerance") or Decimal("0"),
            )
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            validate(
                ParsedQuestion(
                    qtype=cleaned.get("qtype", ""),
                    name=cleaned.get("name", ""),
                    text=cleaned.get("text", ""),
                    answers=answers,
                )
            )
        except FormatError as error:
            raise ValidationError(error.message) from error
        return cleaned


class QuizForm(WagtailAdminModelForm):
    """Exams draw only from exam pools and practice quizzes never do: checked for every
    slot against the form's own ``is_exam`` (which may be changing)."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("slots")
        if formset is None or not formset.is_valid():
            return cleaned
        from courses.quiz.models import QuizSlot
        from courses.quiz.selectors import slot_pool_error

        for form in formset.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            slot = QuizSlot(question=data.get("question"), category=data.get("category"))
            error = slot_pool_error(slot=slot, is_exam=bool(cleaned.get("is_exam")))
            if error:
                raise ValidationError(error)
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(
        label=_("Format"), choices=[("gift", "GIFT"), ("moodlexml", "Moodle XML")]
    )
    bank = forms.CharField(
        label=_("Question bank"), max_length=200, help_text=_("A new name creates a new bank.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        raw = cleaned["file"].read()
        try:
            cleaned["content"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
        try:
            cleaned["questions"] = formats.parse(cleaned["format"], cleaned["content"])
        except FormatError as error:
            raise ValidationError(error.message) from error
        return cleaned


class MarkForm(forms.Form):
    mark = forms.DecimalField(label=_("Mark"), min_value=Decimal("0"), decimal_places=2)
    feedback = forms.CharField(
        label=_("Feedback to the learner"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args, max_mark: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_mark = max_mark
        self.fields["mark"].max_value = max_mark
        self.fields["mark"].validators.append(MaxValueValidator(max_mark))
        self.fields["mark"].help_text = _("From 0 to %(max)s.") % {"max": max_mark}
