"""Back-office views of question translations: one question's translation into one
language (edit, delete with confirmation), and the preview and confirmation of a file
imported as the translation of a bank or category (``admin_views.import_questions``).

Each view declares its permission (``permissions.required``); writes go through
``services.translations``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.quiz import formats, languages, permissions, services
from courses.quiz.models import Question, QuestionBank, QuestionTranslation
from courses.quiz.text import render_text
from lms.errors import show_refusal

SESSION_KEY = "quiz_import_preview"


def _page(title: str, icon: str, **context) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": icon, **context}


def _original(text: str) -> str:
    return _("Original: %(text)s") % {"text": text[:300] + ("…" if len(text) > 300 else "")}


class TranslationForm(forms.Form):
    """A question's words in one language: the question text, the general feedback, and for
    each answer the words the original has (the original shown under each field)."""

    text = forms.CharField(label=gettext_lazy("Question text"), widget=forms.Textarea)
    general_feedback = forms.CharField(
        label=gettext_lazy("General feedback"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args, question: Question, translation: QuestionTranslation | None, **kw):
        super().__init__(*args, **kw)
        self.question = question
        self.answers = list(question.answers.all())
        words = {a.answer_id: a for a in translation.answers.all()} if translation else {}
        self.fields["text"].help_text = _original(question.text)
        if question.general_feedback:
            self.fields["general_feedback"].help_text = _original(question.general_feedback)
        if translation:
            self.initial.update(
                text=translation.text, general_feedback=translation.general_feedback
            )
        for number, answer in enumerate(self.answers, start=1):
            given = words.get(answer.pk)
            for part, label, original in self._parts(answer, number):
                name = f"answer-{answer.pk}-{part}"
                self.fields[name] = forms.CharField(
                    label=label, required=False, help_text=_original(original)
                )
                if given is not None:
                    self.initial[name] = getattr(given, part)

    def _parts(self, answer, number: int):
        """(field, label, original words) of each part of an answer that has words."""
        if answer.text and self.question.qtype == "truefalse":
            label = _("Answer %(n)s: label (optional: empty shows the interface's word)")
            yield "text", label % {"n": number}, answer.text
        elif answer.text and self.question.qtype not in languages.UNTRANSLATED_ANSWER_TYPES:
            label = (
                _("Answer %(n)s: accepted answer")
                if self.question.qtype == "shortanswer"
                else _("Answer %(n)s: text")
            )
            yield "text", label % {"n": number}, answer.text
        if answer.match_text:
            yield (
                "match_text",
                _("Answer %(n)s: matching answer") % {"n": number},
                answer.match_text,
            )
        if answer.feedback:
            yield "feedback", _("Answer %(n)s: feedback") % {"n": number}, answer.feedback

    def answer_words(self) -> dict[int, services.AnswerWords]:
        data = self.cleaned_data
        return {
            answer.pk: services.AnswerWords(
                text=data.get(f"answer-{answer.pk}-text", ""),
                match_text=data.get(f"answer-{answer.pk}-match_text", ""),
                feedback=data.get(f"answer-{answer.pk}-feedback", ""),
            )
            for answer in self.answers
        }


def _language_or_404(language: str) -> str:
    if language not in dict(languages.translation_languages()):
        raise Http404
    return language


def _question_edit_url(question: Question) -> str:
    return reverse("wagtailsnippets_quiz_question:edit", args=[question.pk])


@permissions.required(permissions.can_translate_questions)
def translation_edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """Writes or corrects a question's translation into one language."""
    language = _language_or_404(language)
    question = get_object_or_404(Question.objects.prefetch_related("answers"), pk=pk)
    translation = QuestionTranslation.objects.filter(question=question, language=language).first()
    form = TranslationForm(request.POST or None, question=question, translation=translation)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_translation_save(
                question=question,
                language=language,
                text=form.cleaned_data["text"],
                general_feedback=form.cleaned_data["general_feedback"],
                answers=form.answer_words(),
                actor=request.user,
            )
        except services.TranslationRefused as refusal:
            show_refusal(request, refusal, form=form)
        else:
            saved = QuestionTranslation.objects.get(question=question, language=language)
            gaps = languages.translation_gaps(question, saved)
            if gaps:
                messages.warning(
                    request,
                    _(
                        "Translation saved, but still incomplete (%(gaps)s): quizzes cannot offer "
                        "%(language)s while it is."
                    )
                    % {"gaps": ", ".join(gaps), "language": languages.language_name(language)},
                )
            else:
                messages.success(request, _("Translation saved."))
            return redirect(_question_edit_url(question))
    return render(
        request,
        "quiz/admin/translation_edit.html",
        _page(
            _("%(question)s in %(language)s")
            % {"question": question.name, "language": languages.language_name(language)},
            "doc-full",
            form=form,
            question=question,
            language=language,
            translation=translation,
            back_url=_question_edit_url(question),
        ),
    )


@permissions.required(permissions.can_translate_questions)
def translation_delete(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """Asks, then deletes one translation (a quiz offering the language stops offering it)."""
    language = _language_or_404(language)
    translation = get_object_or_404(
        QuestionTranslation.objects.select_related("question"), question_id=pk, language=language
    )
    if request.method == "POST":
        services.question_translation_delete(translation=translation, actor=request.user)
        messages.success(request, _("Translation deleted."))
        return redirect(_question_edit_url(translation.question))
    return render(
        request,
        "quiz/admin/translation_delete.html",
        _page(
            _("Delete a translation"),
            "bin",
            translation=translation,
            language_name=languages.language_name(language),
            back_url=_question_edit_url(translation.question),
        ),
    )


def import_translation_preview(request: HttpRequest, data: dict) -> HttpResponse:
    """The file paired with the questions it will translate, to confirm (nothing written)."""
    if not permissions.can_translate_questions(request.user):
        raise PermissionDenied
    rows = [
        {
            "original": original,
            "text": render_text(parsed.text, parsed.text_format),
            "answers": [a.match_text or a.text for a in parsed.answers],
        }
        for original, parsed in data["pairs"]
    ]
    return render(
        request,
        "quiz/admin/import_translation_preview.html",
        _page(
            _("Check the translation"),
            "upload",
            rows=rows,
            bank=data["bank_object"],
            category=data.get("category") or "",
            language_name=languages.language_name(data["translation_language"]),
            filename=data["file"].name,
        ),
    )


def confirm_import_translation(request: HttpRequest, pending: dict, questions) -> HttpResponse:
    """Stores the previewed file as translations (the service checks the match again)."""
    if not permissions.can_translate_questions(request.user):
        raise PermissionDenied
    bank = QuestionBank.objects.filter(name=pending["bank"]).first()
    category = pending.get("category") or ""
    if bank is None:
        messages.error(request, _("The bank no longer exists: upload the file again."))
        return redirect("quiz_admin:import")
    try:
        result = services.questions_import_translation(
            bank=bank,
            category=category,
            language=pending["language"],
            questions=questions,
            actor=request.user,
            source=pending["filename"],
        )
    except (services.TranslationRefused, formats.FormatError) as refusal:
        show_refusal(request, refusal)
        return redirect("quiz_admin:import")
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Stored %(n)s translations into %(language)s for %(target)s.")
        % {
            "n": result.translated,
            "language": languages.language_name(result.language),
            "target": f"{bank.name}: {category}" if category else bank.name,
        },
    )
    return redirect("quiz_admin:import")
