"""Forms of the quiz back office (Wagtail admin)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.quiz import formats, languages
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
    slot against the form's own ``is_exam`` (which may be changing). A language can be
    offered only when every question the slots being saved could draw is fully translated
    into it (``languages.untranslated_items``)."""

    languages = forms.MultipleChoiceField(
        label=_("Also offered in"),
        required=False,
        choices=languages.translation_languages,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "English is always offered. A language can be offered only when every question "
            "the quiz could draw is fully translated into it."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("slots")
        if formset is None or not formset.is_valid():
            return cleaned
        from courses.quiz.models import QuizSlot
        from courses.quiz.selectors import slot_pool_error

        slots = []
        for form in formset.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            slot = QuizSlot(
                question=data.get("question"),
                category=data.get("category"),
                include_subcategories=bool(data.get("include_subcategories")),
            )
            error = slot_pool_error(slot=slot, is_exam=bool(cleaned.get("is_exam")))
            if error:
                raise ValidationError(error)
            slots.append(slot)
        for language in cleaned.get("languages") or []:
            missing = languages.untranslated_items(language=language, slots=slots)
            if missing:
                self.add_error(
                    "languages", languages.gaps_message(language=language, missing=missing)
                )
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(
        label=_("Format"), choices=[("gift", "GIFT"), ("moodlexml", "Moodle XML")]
    )
    bank = forms.CharField(
        label=_("Question bank"), max_length=200, help_text=_("A new name creates a new bank.")
    )
    translation_language = forms.ChoiceField(
        label=_("Import as a translation into"),
        required=False,
        choices=lambda: (
            [("", _("No: import as new questions"))] + languages.translation_languages()
        ),
        help_text=_(
            "The file's questions become translations of the bank's existing questions, "
            "matched in order (same number, types and answers)."
        ),
    )
    category = forms.CharField(
        label=_("Category translated"),
        max_length=255,
        required=False,
        help_text=_(
            "Translation only: the category path (with its subcategories) the file "
            "translates, e.g. ASI/Exam. Empty: the whole bank."
        ),
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
        if cleaned.get("translation_language"):
            self._clean_translation(cleaned)
        elif cleaned.get("category"):
            self.add_error("category", _("A category is chosen only for a translation."))
        return cleaned

    def _clean_translation(self, cleaned: dict) -> None:
        """The bank and category the file translates, and its questions paired with theirs
        (or the first mismatch, as the form's error)."""
        from courses.quiz.models import QuestionBank
        from courses.quiz.services.translations import (
            TranslationRefused,
            category_path_exists,
            clean_category_path,
            translation_originals,
            translation_pairs,
        )

        bank = QuestionBank.objects.filter(name=cleaned["bank"]).first()
        if bank is None:
            self.add_error(
                "bank", _("A translation needs an existing bank: there is none of that name.")
            )
            return
        category = clean_category_path(cleaned.get("category", ""))
        if category and not category_path_exists(bank=bank, category=category):
            self.add_error("category", _("The bank has no category of that path."))
            return
        try:
            cleaned["pairs"] = translation_pairs(
                originals=translation_originals(bank=bank, category=category),
                questions=cleaned["questions"],
            )
        except TranslationRefused as refusal:
            raise ValidationError(refusal.message) from refusal
        cleaned["bank_object"], cleaned["category"] = bank, category


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
