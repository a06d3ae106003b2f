"""Translations of bank questions: the same item in another language.

A translation never makes a new item. The original ``Question`` stays the one identity
that quizzes draw, attempts point to, grading keys on and item statistics pool under;
a translation only changes the words a candidate reads (question text, general feedback,
each answer's text, matching answer and feedback). An ``AnswerTranslation`` belongs to
one ``Answer`` of the original, so deleting or adding an answer makes the translation
incomplete (``courses.quiz.languages``) rather than silently wrong.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class QuestionTranslation(ClusterableModel):
    """A question's words in one language other than the site's default
    (``settings.LANGUAGE_CODE``); the language code is one of ``settings.LANGUAGES``."""

    question = models.ForeignKey(
        "quiz.Question",
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("question"),
    )
    language = models.CharField(_("language"), max_length=15)
    text = models.TextField(_("question text"))
    general_feedback = models.TextField(_("general feedback"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question", "language"]
        verbose_name = _("question translation")
        verbose_name_plural = _("question translations")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "language"], name="quiz_question_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question} [{self.language}]"


class AnswerTranslation(models.Model):
    """One answer's words in the translation's language. For short answer, ``text`` is an
    accepted answer in that language (wildcards as in the original); numerical values are
    never translated (a number is the same in every language)."""

    translation = ParentalKey(QuestionTranslation, on_delete=models.CASCADE, related_name="answers")
    answer = models.ForeignKey("quiz.Answer", on_delete=models.CASCADE, related_name="translations")
    text = models.TextField(_("answer text"), blank=True)
    match_text = models.TextField(_("matching answer"), blank=True)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        verbose_name = _("answer translation")
        verbose_name_plural = _("answer translations")
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "answer"], name="quiz_answer_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text or self.match_text
