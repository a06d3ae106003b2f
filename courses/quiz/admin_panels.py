"""Read-only panels of the quiz engine's edit screens: a question's translations, and how
far a quiz's possible questions are translated into each language."""

from __future__ import annotations

from wagtail.admin.panels import Panel

from courses.quiz import languages, permissions
from courses.quiz.models import QuestionTranslation


class QuestionTranslationsPanel(Panel):
    """On a question's edit page: each translation language, its status, and links to
    translate, edit or delete."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "quiz/admin/_question_translations_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            question = self.instance
            rows = []
            if question is not None and question.pk:
                existing = {
                    t.language: t
                    for t in QuestionTranslation.objects.filter(question=question).prefetch_related(
                        "answers"
                    )
                }
                for code, name in languages.translation_languages():
                    translation = existing.get(code)
                    rows.append(
                        {
                            "code": code,
                            "name": name,
                            "exists": translation is not None,
                            "gaps": languages.translation_gaps(question, translation)
                            if translation
                            else [],
                        }
                    )
            context.update(
                question=question,
                rows=rows,
                can_translate=permissions.can_translate_questions(self.request.user),
            )
            return context


class QuizLanguagesPanel(Panel):
    """On a quiz's edit page: per translation language, whether it is offered and which
    questions a draw could include still lack a full translation."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "quiz/admin/_quiz_languages_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            quiz = self.instance
            context["statuses"] = (
                languages.quiz_language_statuses(quiz=quiz)
                if quiz is not None and quiz.pk
                else None
            )
            return context
