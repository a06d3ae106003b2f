"""Snapshots of questions and their server-side grading.

A snapshot is the frozen, JSON-safe copy of a question that an attempt keeps, so that
editing the bank never changes a running or finished attempt. Fractions are Decimals
(serialised as strings); a fraction of ``None`` means "waits for a person to mark it".

Answers here are in the bank's terms (choice and option indexes of the snapshot). The
learner's browser never sees those: ``presenters`` shows per-attempt tokens and turns them
back into indexes. Grading never fails on what a learner typed: every answer is bounded
in size, numbers are read with bounds (``read_decimal``), wildcard matching is linear-time,
and a malformed stored answer is graded as wrong.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from courses.quiz.exceptions import InvalidAnswer
from courses.quiz.models import Question, QuestionTranslation, QuestionType

CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.TRUE_FALSE, QuestionType.MULTIPLE}
TEXT_TYPES = {QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL, QuestionType.ESSAY}
ZERO, ONE = Decimal("0"), Decimal("1")

#: The longest answer a learner may give, per question type (characters).
MAX_ANSWER_CHARS = {
    QuestionType.SHORT_ANSWER: 1_000,
    QuestionType.NUMERICAL: 100,
    QuestionType.ESSAY: 20_000,
}
#: Numbers beyond 10**±MAX_EXPONENT (and NaN, infinities) are not numbers we grade or import.
MAX_EXPONENT = 100
MAX_NUMBER_CHARS = 100


def read_decimal(text: Any) -> Decimal | None:
    """The finite number ``text`` spells (``-3.5``, ``2.5e3``), or None when it is not one,
    is NaN or infinite, or lies beyond 10**±MAX_EXPONENT. Safe for any input: what it
    returns can be added, subtracted and compared without overflow."""
    if isinstance(text, Decimal):
        text = str(text)
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > MAX_NUMBER_CHARS:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    if not value:
        return ZERO
    if not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        return None
    return value


def snapshot_question(question: Question, *, language: str | None = None) -> dict[str, Any]:
    """The question frozen for an attempt, in ``language`` (default: the site's default).

    A snapshot in another language keeps the original item (``question_id``, name, type,
    fractions, tolerances, the order and number of answers and matching options) and takes
    the words from the question's translation; a missing translated word falls back to the
    original. A short answer's original accepted text stays in ``original_text``, so a
    candidate who answers with the original term is graded the same."""
    answers = list(question.answers.all())
    translation, words = _answer_words(question, answers, language)
    snapshot: dict[str, Any] = {
        "question_id": question.pk,
        "qtype": question.qtype,
        "name": question.name,
        "text": question.text,
        "format": question.text_format,
        "general_feedback": question.general_feedback,
        "case_sensitive": question.case_sensitive,
        "answers": [
            {
                "text": a.text,
                "match_text": a.match_text,
                "fraction": str(a.fraction),
                "tolerance": str(a.tolerance),
                "feedback": a.feedback,
            }
            for a in answers
        ],
    }
    if translation is not None:
        snapshot["language"] = language
        snapshot["text"] = translation.text if translation.text.strip() else question.text
        snapshot["general_feedback"] = translation.general_feedback or question.general_feedback
    if question.qtype == QuestionType.MATCHING:
        # The options are the original's distinct matching answers (so the item is the same
        # in every language), each labelled with its first answer's words.
        options: list[str] = []
        labels: list[str] = []
        for a, (_text, match_text, _feedback) in zip(answers, words, strict=True):
            if a.match_text and a.match_text not in options:
                options.append(a.match_text)
                labels.append(match_text)
        snapshot["options"] = labels
        snapshot["prompts"] = [
            {"text": text, "match": options.index(a.match_text)}
            for a, (text, _match, _feedback) in zip(answers, words, strict=True)
            if a.text
        ]
    for item, (text, match_text, feedback) in zip(snapshot["answers"], words, strict=True):
        if text != item["text"] and question.qtype == QuestionType.SHORT_ANSWER:
            item["original_text"] = item["text"]
        item.update(text=text, match_text=match_text, feedback=feedback)
    return snapshot


def _answer_words(
    question: Question, answers: list, language: str | None
) -> tuple[QuestionTranslation | None, list[tuple[str, str, str]]]:
    """The question's translation into ``language`` (None for the default language or when
    there is none) and each answer's (text, matching answer, feedback) in that language,
    the original's words where the translation has none."""
    original = [(a.text, a.match_text, a.feedback) for a in answers]
    if not language or language == settings.LANGUAGE_CODE:
        return None, original
    translation = question.translations.filter(language=language).first()
    if translation is None:
        return None, original
    by_answer = {t.answer_id: t for t in translation.answers.all()}
    words = []
    for a in answers:
        t = by_answer.get(a.pk)
        text = a.text
        if question.qtype == QuestionType.TRUE_FALSE:
            if t is not None and t.text.strip():
                text = t.text
            elif a.text in ("True", "False"):
                with override(language):
                    text = (
                        pgettext("true/false answer", "True")
                        if a.text == "True"
                        else pgettext("true/false answer", "False")
                    )
        elif question.qtype != QuestionType.NUMERICAL and t is not None and t.text.strip():
            text = t.text
        match_text = t.match_text if t is not None and t.match_text.strip() else a.match_text
        feedback = t.feedback if t is not None and t.feedback.strip() else a.feedback
        words.append((text, match_text, feedback))
    return translation, words


def choice_count(snapshot: dict[str, Any]) -> int:
    """How many items the learner sees in shuffleable order (choices or matching options)."""
    if snapshot["qtype"] == QuestionType.MATCHING:
        return len(snapshot["options"])
    if snapshot["qtype"] in CHOICE_TYPES:
        return len(snapshot["answers"])
    return 0


def _index(value: Any, size: int) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidAnswer() from exc
    if not 0 <= index < size:
        raise InvalidAnswer()
    return index


def normalise_answer(snapshot: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any] | None:
    """Checks a submitted answer against the question and returns its stored form.

    ``raw`` uses the keys ``choice`` (single, true/false), ``choices`` (multiple), ``text``
    (short answer, numerical, essay) or ``matches`` ({prompt index: option index}).
    """
    qtype = snapshot["qtype"]
    size = len(snapshot["answers"])
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        value = raw.get("choice")
        if value in (None, ""):
            return None
        return {"choice": _index(value, size)}
    if qtype == QuestionType.MULTIPLE:
        values = raw.get("choices") or []
        if not isinstance(values, list):
            raise InvalidAnswer()
        return {"choices": sorted({_index(v, size) for v in values})}
    if qtype in TEXT_TYPES:
        text = raw.get("text")
        if text is None:
            return None
        if not isinstance(text, str):
            raise InvalidAnswer()
        limit = MAX_ANSWER_CHARS[qtype]
        length = len(text.replace("\r\n", "\n"))  # browsers send a line break as CRLF
        if length > limit:
            raise InvalidAnswer(
                _("Your answer is too long: at most %(limit)s characters, this one has %(n)s.")
                % {
                    "limit": number_format(limit, force_grouping=True),
                    "n": number_format(length, force_grouping=True),
                }
            )
        if qtype == QuestionType.NUMERICAL and _unusable_number(text):
            raise InvalidAnswer(
                _(
                    "“%(v)s” is too large, too small or not a finite number: enter an ordinary "
                    "number such as 660 or 3.14."
                )
                % {"v": text.strip()[:30]}
            )
        return {"text": text}
    if qtype == QuestionType.MATCHING:
        matches = raw.get("matches") or {}
        if not isinstance(matches, dict):
            raise InvalidAnswer()
        prompts, options = len(snapshot["prompts"]), len(snapshot["options"])
        cleaned = {}
        for key, value in matches.items():
            if value in (None, ""):
                continue
            cleaned[str(_index(key, prompts))] = _index(value, options)
        return {"matches": cleaned}
    raise InvalidAnswer()


def is_answered(snapshot: dict[str, Any], answer: dict[str, Any] | None) -> bool:
    if not answer or not isinstance(answer, dict):
        return False
    if "choice" in answer:
        return True
    if "choices" in answer:
        return bool(answer["choices"])
    if "text" in answer:
        return isinstance(answer["text"], str) and bool(answer["text"].strip())
    if "matches" in answer:
        return bool(answer["matches"])
    return False


def wildcard_match(pattern: str, text: str, case_sensitive: bool = False) -> bool:
    """Whether ``text`` matches ``pattern``, where ``*`` stands for any run of characters
    (newlines too); both are stripped, and compared case-insensitively unless asked.

    Linear in the length of the text: the pieces between stars are found left to right,
    each at its first place after the previous one (the leftmost match is always safe for
    a pattern whose only special character is ``*``), so no answer can make it backtrack.
    """
    pattern, text = pattern.strip(), text.strip()
    if not case_sensitive:
        pattern, text = pattern.casefold(), text.casefold()
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return text == pattern
    head, *middle, tail = pieces
    if len(head) + len(tail) > len(text) or not (text.startswith(head) and text.endswith(tail)):
        return False
    start, end = len(head), len(text) - len(tail)
    for piece in middle:
        if not piece:
            continue
        found = text.find(piece, start, end)
        if found < 0:
            return False
        start = found + len(piece)
    return True


def _number_text(text: str) -> str:
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return cleaned


def _unusable_number(text: str) -> bool:
    """True for text that reads as a number we cannot grade (NaN, infinity, 1e999999999)."""
    cleaned = _number_text(text)
    if not cleaned:
        return False
    try:
        Decimal(cleaned)
    except InvalidOperation:
        return False  # not a number at all: stored, and graded like any wrong answer
    return read_decimal(cleaned) is None


def parse_number(text: str) -> Decimal | None:
    """A learner's number (``3,14`` counts as 3.14), or None if it is not a usable one."""
    return read_decimal(_number_text(text))


def _fraction(value: Any) -> Decimal:
    """A snapshot's fraction as a number (a damaged one counts as 0)."""
    number = read_decimal(value)
    return ZERO if number is None else number


def _stored_index(value: Any, size: int) -> int | None:
    """A stored choice index, or None when it does not name a choice of the snapshot."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        return None
    return value


def matched_answer(snapshot: dict[str, Any], answer: dict[str, Any] | None) -> int | None:
    """For short answer and numerical: the index of the first accepted answer that matches."""
    if not isinstance(answer, dict) or not isinstance(answer.get("text"), str):
        return None
    text = answer["text"]
    if snapshot["qtype"] == QuestionType.SHORT_ANSWER:
        for index, item in enumerate(snapshot["answers"]):
            accepted = [item["text"]] + ([item["original_text"]] if "original_text" in item else [])
            case_sensitive = snapshot.get("case_sensitive", False)
            if any(wildcard_match(pattern, text, case_sensitive) for pattern in accepted):
                return index
        return None
    value = parse_number(text)
    for index, item in enumerate(snapshot["answers"]):
        if item["text"].strip() == "*":
            return index if text.strip() else None
        if value is None:
            continue
        expected = read_decimal(item["text"])
        tolerance = read_decimal(item.get("tolerance") or "0") or ZERO
        if expected is not None and abs(value - expected) <= abs(tolerance):
            return index
    return None


def grade(snapshot: dict[str, Any], answer: dict[str, Any] | None) -> Decimal | None:
    """The fraction of the mark earned (0 to 1), or None when a person must mark it.

    Never raises on a stored answer: one that does not fit the question (e.g. kept from
    before a rule existed) earns nothing."""
    qtype = snapshot["qtype"]
    answers = snapshot["answers"]
    if qtype == QuestionType.ESSAY:
        return ZERO if not is_answered(snapshot, answer) else None
    if not answer or not isinstance(answer, dict):
        return ZERO
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        index = _stored_index(answer.get("choice"), len(answers))
        if index is None:
            return ZERO
        return max(ZERO, min(ONE, _fraction(answers[index]["fraction"])))
    if qtype == QuestionType.MULTIPLE:
        chosen = answer.get("choices")
        if not isinstance(chosen, list):
            return ZERO
        indexes = {_stored_index(i, len(answers)) for i in chosen} - {None}
        total = sum((_fraction(answers[i]["fraction"]) for i in indexes), ZERO)
        return max(ZERO, min(ONE, total))
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL):
        index = matched_answer(snapshot, answer)
        if index is None:
            return ZERO
        return max(ZERO, min(ONE, _fraction(answers[index]["fraction"])))
    if qtype == QuestionType.MATCHING:
        prompts = snapshot["prompts"]
        given = answer.get("matches")
        if not prompts or not isinstance(given, dict):
            return ZERO
        right = sum(1 for i, p in enumerate(prompts) if given.get(str(i)) == p["match"])
        return (Decimal(right) / Decimal(len(prompts))).quantize(Decimal("0.0000001"))
    return ZERO


def correct_answer_texts(snapshot: dict[str, Any]) -> list[str]:
    """What a full review shows as the right answer(s)."""
    qtype = snapshot["qtype"]
    if qtype == QuestionType.MATCHING:
        return [f"{p['text']} → {snapshot['options'][p['match']]}" for p in snapshot["prompts"]]
    if qtype == QuestionType.NUMERICAL:
        right = []
        for a in snapshot["answers"]:
            if _fraction(a["fraction"]) < ONE:
                continue
            tolerance = read_decimal(a.get("tolerance") or "0") or ZERO
            right.append(f"{a['text']} ± {tolerance.normalize()}" if tolerance else a["text"])
        return right
    return [a["text"] for a in snapshot["answers"] if _fraction(a["fraction"]) > ZERO]


def answer_feedback(snapshot: dict[str, Any], answer: dict[str, Any] | None) -> list[str]:
    """The per-answer feedback that belongs to what the learner answered."""
    if not answer or not isinstance(answer, dict):
        return []
    answers = snapshot["answers"]
    indexes: list[int | None] = []
    if "choice" in answer:
        indexes = [_stored_index(answer["choice"], len(answers))]
    elif isinstance(answer.get("choices"), list):
        indexes = [_stored_index(i, len(answers)) for i in answer["choices"]]
    elif snapshot["qtype"] in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL):
        indexes = [matched_answer(snapshot, answer)]
    return [answers[i]["feedback"] for i in indexes if i is not None and answers[i]["feedback"]]
