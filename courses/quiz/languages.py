"""Reads about exam languages: which languages a quiz is offered in, and which questions
still lack a translation.

Rules:

* The default language (``settings.LANGUAGE_CODE``) is always offered; a quiz may offer
  more (``Quiz.languages``), each one of ``settings.LANGUAGES``.
* A language can be offered only when every question that any draw of the quiz could
  include is *fully* translated into it: every fixed question, and every question of each
  slot's category (with its subcategories when the slot says so). Fully means: the question
  text; the general feedback when the original has one; for every answer, its text (except
  numerical values and the True / False labels, which are the same item in every language),
  its matching answer and its feedback whenever the original has them.
* The draw is per item and independent of the language, so candidates in different
  languages get equivalent exams; a translation only changes the words they read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from courses.quiz.models import (
    Answer,
    AnswerTranslation,
    Question,
    QuestionTranslation,
    QuestionType,
    Quiz,
    QuizSlot,
)

#: Answer texts that are not words to translate: a numerical answer is a number; a
#: true / false question's two answers are labelled in the candidate's language by the
#: interface (``grading.snapshot_question``), unless a translation gives its own words.
UNTRANSLATED_ANSWER_TYPES = (QuestionType.NUMERICAL, QuestionType.TRUE_FALSE)


def default_language() -> str:
    return settings.LANGUAGE_CODE


def language_names() -> dict[str, str]:
    """Every site language's code and its name (in the active language)."""
    return {code: str(name) for code, name in settings.LANGUAGES}


def translation_languages() -> list[tuple[str, str]]:
    """The languages a question can be translated into: every site language but the default."""
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != default_language()]


def language_name(code: str) -> str:
    return language_names().get(code, code)


def local_name(code: str) -> str:
    """The language's name in that language (``Français``, ``简体中文``): how a candidate
    recognises their own language on a page in another one."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return language_name(code)


def possible_questions(*, quiz: Quiz | None = None, slots=None) -> QuerySet[Question]:
    """Every question any draw of the quiz could include: its fixed questions and the whole
    pool of each random slot. ``slots`` (saved or not) replaces the quiz's saved slots, so
    the admin form can check the slots being edited."""
    if slots is None:
        slots = list(quiz.slots.select_related("category")) if quiz and quiz.pk else []
    condition = Q(pk__in=[])
    for slot in slots:
        if slot.question_id:
            condition |= Q(pk=slot.question_id)
        elif slot.category_id:
            condition |= Q(category_id=slot.category_id)
            if slot.include_subcategories:
                condition |= Q(
                    category__bank_id=slot.category.bank_id,
                    category__name__startswith=slot.category.name + "/",
                )
    return Question.objects.filter(condition).distinct()


def _filled(value: str) -> bool:
    return bool(value and value.strip())


def translation_gaps(question: Question, translation: QuestionTranslation | None) -> list[str]:
    """What the translation still lacks, in plain words (empty when it is complete)."""
    if translation is None:
        return [_("no translation")]
    gaps = []
    if not _filled(translation.text):
        gaps.append(_("question text"))
    if _filled(question.general_feedback) and not _filled(translation.general_feedback):
        gaps.append(_("general feedback"))
    by_answer = {a.answer_id: a for a in translation.answers.all()}
    for number, answer in enumerate(question.answers.all(), start=1):
        translated = by_answer.get(answer.pk) or AnswerTranslation()
        needs_text = _filled(answer.text) and question.qtype not in UNTRANSLATED_ANSWER_TYPES
        if (
            (needs_text and not _filled(translated.text))
            or (_filled(answer.match_text) and not _filled(translated.match_text))
            or (_filled(answer.feedback) and not _filled(translated.feedback))
        ):
            gaps.append(_("answer %(n)s") % {"n": number})
    return gaps


def with_translations(questions: QuerySet[Question], language: str) -> QuerySet[Question]:
    """The questions with their answers and their translation into ``language`` prefetched
    (``question.language_translations`` is a list of at most one)."""
    return questions.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.order_by("sort_order", "pk")),
        Prefetch(
            "translations",
            queryset=QuestionTranslation.objects.filter(language=language).prefetch_related(
                "answers"
            ),
            to_attr="language_translations",
        ),
    )


def untranslated_items(*, quiz: Quiz | None = None, language: str, slots=None) -> list[Question]:
    """Every question a draw of the quiz could include that lacks a complete translation
    into ``language``, in bank order. Empty for the default language. ``slots``: see
    ``possible_questions``."""
    if language == default_language():
        return []
    questions = with_translations(
        possible_questions(quiz=quiz, slots=slots).select_related("category"), language
    ).order_by("category__name", "pk")
    return [
        q
        for q in questions
        if translation_gaps(q, q.language_translations[0] if q.language_translations else None)
    ]


def gaps_message(*, language: str, missing: list[Question], shown: int = 3) -> str:
    """The sentence staff read when a language cannot be offered: how many questions lack a
    translation and the first few of them."""
    names = ", ".join(f"“{q.name}”" for q in missing[:shown])
    if len(missing) > shown:
        names += ", …"
    return _(
        "%(language)s cannot be offered: %(count)s question(s) that a draw could include "
        "are not fully translated (%(names)s)."
    ) % {"language": language_name(language), "count": len(missing), "names": names}


@dataclass
class LanguageStatus:
    """How far a quiz's questions are translated into one language."""

    code: str
    name: str
    offered: bool
    missing: list[Question] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def quiz_language_statuses(*, quiz: Quiz) -> list[LanguageStatus]:
    """For each translation language: whether the quiz offers it and what still lacks a
    translation (the quiz admin's completeness panel)."""
    slots = list(QuizSlot.objects.filter(quiz=quiz).select_related("category")) if quiz.pk else []
    return [
        LanguageStatus(
            code=code,
            name=name,
            offered=code in (quiz.languages or []),
            missing=untranslated_items(quiz=quiz, language=code, slots=slots),
        )
        for code, name in translation_languages()
    ]


def offered_languages(*, quiz: Quiz) -> list[str]:
    """The languages a candidate may choose for this quiz now: the default first, then each
    language the quiz offers that is still a site language and fully translated (a
    translation edited since the quiz was saved takes its language away until repaired)."""
    offered = [default_language()]
    known = language_names()
    for code in quiz.languages or []:
        if (
            code in known
            and code not in offered
            and not untranslated_items(quiz=quiz, language=code)
        ):
            offered.append(code)
    return offered


def preferred_start_language(*, quiz: Quiz, user, offered: list[str], active: str | None) -> str:
    """The language the start form proposes: the person's preferred language if offered,
    else the active language if offered, else the default."""
    for candidate in (getattr(user, "preferred_language", None), active):
        if candidate and candidate.lower() in offered:
            return candidate.lower()
    return default_language()
