"""Snapshots of questions and their server-side grading.

A snapshot is the frozen, JSON-safe copy of a question that an attempt keeps, so that
editing the bank never changes a running or finished attempt. Fractions are Decimals
(serialised as strings); a fraction of ``None`` means "waits for a person to mark it".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from courses.quiz.exceptions import InvalidAnswer
from courses.quiz.models import Question, QuestionType

CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.TRUE_FALSE, QuestionType.MULTIPLE}
TEXT_TYPES = {QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL, QuestionType.ESSAY}
ZERO, ONE = Decimal("0"), Decimal("1")


def snapshot_question(question: Question) -> dict[str, Any]:
    answers = list(question.answers.all())
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
    if question.qtype == QuestionType.MATCHING:
        options: list[str] = []
        for a in answers:
            if a.match_text and a.match_text not in options:
                options.append(a.match_text)
        snapshot["options"] = options
        snapshot["prompts"] = [
            {"text": a.text, "match": options.index(a.match_text)} for a in answers if a.text
        ]
    return snapshot


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
        if not isinstance(text, str) or len(text) > 50_000:
            raise InvalidAnswer()
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
    if not answer:
        return False
    if "choice" in answer:
        return True
    if "choices" in answer:
        return bool(answer["choices"])
    if "text" in answer:
        return bool(answer["text"].strip())
    if "matches" in answer:
        return bool(answer["matches"])
    return False


def _wildcard_match(pattern: str, text: str, case_sensitive: bool) -> bool:
    regex = ".*".join(re.escape(part) for part in pattern.strip().split("*"))
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, text.strip(), flags | re.DOTALL) is not None


def parse_number(text: str) -> Decimal | None:
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def matched_answer(snapshot: dict[str, Any], answer: dict[str, Any] | None) -> int | None:
    """For short answer and numerical: the index of the first accepted answer that matches."""
    if not answer or "text" not in answer:
        return None
    text = answer["text"]
    if snapshot["qtype"] == QuestionType.SHORT_ANSWER:
        for index, item in enumerate(snapshot["answers"]):
            if _wildcard_match(item["text"], text, snapshot.get("case_sensitive", False)):
                return index
        return None
    value = parse_number(text)
    for index, item in enumerate(snapshot["answers"]):
        if item["text"].strip() == "*":
            return index if text.strip() else None
        if value is None:
            continue
        expected = parse_number(item["text"])
        if expected is not None and abs(value - expected) <= Decimal(item["tolerance"] or "0"):
            return index
    return None


def grade(snapshot: dict[str, Any], answer: dict[str, Any] | None) -> Decimal | None:
    """The fraction of the mark earned (0 to 1), or None when a person must mark it."""
    qtype = snapshot["qtype"]
    answers = snapshot["answers"]
    if qtype == QuestionType.ESSAY:
        return ZERO if not is_answered(snapshot, answer) else None
    if not answer:
        return ZERO
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return max(ZERO, min(ONE, Decimal(answers[answer["choice"]]["fraction"])))
    if qtype == QuestionType.MULTIPLE:
        total = sum((Decimal(answers[i]["fraction"]) for i in answer["choices"]), ZERO)
        return max(ZERO, min(ONE, total))
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL):
        index = matched_answer(snapshot, answer)
        if index is None:
            return ZERO
        return max(ZERO, min(ONE, Decimal(answers[index]["fraction"])))
    if qtype == QuestionType.MATCHING:
        prompts = snapshot["prompts"]
        if not prompts:
            return ZERO
        given = answer.get("matches", {})
        right = sum(1 for i, p in enumerate(prompts) if given.get(str(i)) == p["match"])
        return (Decimal(right) / Decimal(len(prompts))).quantize(Decimal("0.0000001"))
    return ZERO


def correct_answer_texts(snapshot: dict[str, Any]) -> list[str]:
    """What a full review shows as the right answer(s)."""
    qtype = snapshot["qtype"]
    if qtype == QuestionType.MATCHING:
        return [f"{p['text']} → {snapshot['options'][p['match']]}" for p in snapshot["prompts"]]
    if qtype == QuestionType.NUMERICAL:
        return [
            f"{a['text']} ± {Decimal(a['tolerance']).normalize()}"
            if Decimal(a["tolerance"])
            else a["text"]
            for a in snapshot["answers"]
            if Decimal(a["fraction"]) >= ONE
        ]
    return [a["text"] for a in snapshot["answers"] if Decimal(a["fraction"]) > ZERO]


def answer_feedback(snapshot: dict[str, Any], answer: dict[str, Any] | None) -> list[str]:
    """The per-answer feedback that belongs to what the learner answered."""
    if not answer:
        return []
    answers = snapshot["answers"]
    indexes: list[int] = []
    if "choice" in answer:
        indexes = [answer["choice"]]
    elif "choices" in answer:
        indexes = list(answer["choices"])
    elif snapshot["qtype"] in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL):
        index = matched_answer(snapshot, answer)
        indexes = [index] if index is not None else []
    return [answers[i]["feedback"] for i in indexes if answers[i]["feedback"]]
