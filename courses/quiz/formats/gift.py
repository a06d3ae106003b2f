"""Moodle's GIFT format: https://docs.moodle.org/en/GIFT_format

Supported: ``//`` comments, ``$CATEGORY:``, ``::title::``, ``[html]``/``[markdown]``/
``[plain]``/``[moodle]``, single and multiple choice with ``%n%`` weights (negative too),
``#`` per-answer feedback, ``####`` general feedback, true/false with feedback, short answer,
numerical (``value:tolerance``, ``min..max``, several answers with weights), matching
(``=a -> b``), essay ``{}``, the "missing word" form, and the escapes ``\\~ \\= \\# \\{ \\}
\\: \\n \\\\``. Question types are detected the way Moodle detects them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from courses.quiz.models import QuestionType

from .base import FormatError, ParsedAnswer, ParsedQuestion, clean_category, read_number, validate

_PLACEHOLDERS = {
    "\\\\": "\ue010",
    "\\~": "\ue000",
    "\\=": "\ue001",
    "\\#": "\ue002",
    "\\{": "\ue003",
    "\\}": "\ue004",
    "\\:": "\ue005",
}
_RESTORE = {"\ue010": "\\", "\ue000": "~", "\ue001": "=", "\ue002": "#", "\ue003": "{"}
_RESTORE.update({"\ue004": "}", "\ue005": ":"})
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\[(html|markdown|plain|moodle)\]", re.IGNORECASE)
_TRUEFALSE = {"t": True, "true": True, "f": False, "false": False}


def _protect(text: str) -> str:
    for escaped, placeholder in _PLACEHOLDERS.items():
        text = text.replace(escaped, placeholder)
    return text.replace("\\n", "\n")


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text.strip()


def _blocks(source: str):
    """Yields (first line number, text) for each blank-line separated block."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    block: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if block:
                yield start, "\n".join(block)
                block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block)


def _split_feedback(text: str) -> tuple[str, str]:
    answer, _sep, feedback = text.partition("#")
    return _restore(answer), _restore(feedback)


def _weight(text: str, line: int) -> tuple[Decimal | None, str]:
    match = _WEIGHT.match(text)
    if not match:
        return None, text
    fraction = Decimal(match.group(1)) / 100
    if not Decimal("-1") <= fraction <= Decimal("1"):
        raise FormatError(_("The weight %(w)s%% is out of range.") % {"w": match.group(1)}, line)
    return fraction, text[match.end() :]


def _number(text: str, line: int) -> Decimal:
    return read_number(_restore(text), line)


def _numerical_answer(text: str, line: int) -> tuple[str, Decimal]:
    text = text.strip()
    if ".." in text:
        low, high = (_number(part, line) for part in text.split("..", 1))
        if high < low:
            raise FormatError(_("The range %(r)s runs backwards.") % {"r": text}, line)
        return str((low + high) / 2), (high - low) / 2
    if ":" in text:
        value, tolerance = text.split(":", 1)
        return str(_number(value, line)), abs(_number(tolerance, line))
    return str(_number(text, line)), Decimal("0")


def _split_header(text: str, line: int) -> tuple[str, str, str]:
    """(name, text format, the rest) from ``::title::[format]rest``; both are optional."""
    name = ""
    rest = text.strip()
    if rest.startswith("::"):
        end = rest.find("::", 2)
        if end < 0:
            raise FormatError(_("The question title is not closed with “::”."), line)
        name = _restore(rest[2:end])
        rest = rest[end + 2 :].strip()
    text_format = "moodle"
    match = _FORMAT.match(rest)
    if match:
        text_format = match.group(1).lower()
        rest = rest[match.end() :]
    return name, text_format, rest


def _split_answer_block(rest: str, line: int) -> tuple[str, str, str]:
    """(question text, answer block, general feedback): the one ``{...}`` block cut out of
    the question; text after it makes a "missing word" question (``_____``)."""
    start = rest.find("{")
    if start < 0:
        raise FormatError(_("No answer block: “{” is missing."), line)
    finish = rest.find("}", start)
    if finish < 0:
        raise FormatError(_("The answer block is not closed with “}”."), line)
    if rest.find("{", start + 1, finish) >= 0:
        raise FormatError(_("“{” inside an answer block must be escaped as “\\{”."), line)
    before, block, after = rest[:start], rest[start + 1 : finish], rest[finish + 1 :]
    if "{" in after or "}" in after:
        raise FormatError(_("Only one answer block is allowed per question."), line)
    question_text = _restore(before)
    if after.strip():
        question_text = f"{question_text} _____ {_restore(after)}"
    block, _sep, general = block.partition("####")
    return question_text, block.strip(), _restore(general)


def _weighted_answers(block: str, line: int) -> Iterator[tuple[Decimal, str, str]]:
    """(fraction, answer, feedback) of each ``=``-separated answer, one at a time; full
    marks unless a ``%n%`` weight says otherwise."""
    for part in block.split("="):
        if not part.strip():
            continue
        weight, part = _weight(part.strip(), line)
        answer, feedback = _split_feedback(part)
        yield (Decimal("1") if weight is None else weight), answer, feedback


def _numerical(block: str, line: int) -> list[ParsedAnswer]:
    """``{#value:tolerance}``, ``{#min..max}``, or several ``=`` answers with weights."""
    answers = []
    for fraction, value, feedback in _weighted_answers(block[1:].strip(), line):
        number, tolerance = _numerical_answer(value, line)
        answers.append(
            ParsedAnswer(text=number, tolerance=tolerance, fraction=fraction, feedback=feedback)
        )
    return answers


def _choices(block: str, line: int) -> list[ParsedAnswer]:
    """``{=right ~wrong ~%50%half}``: ``=`` is full marks, ``~`` none unless weighted."""
    answers = []
    for part in block.replace("=", "~=").split("~"):
        part = part.strip()
        if not part:
            continue
        fraction = Decimal("0")
        if part.startswith("="):
            fraction, part = Decimal("1"), part[1:].strip()
        else:
            weight, part = _weight(part, line)
            if weight is not None:
                fraction = weight
        answer, feedback = _split_feedback(part)
        answers.append(ParsedAnswer(text=answer, fraction=fraction, feedback=feedback))
    return answers


def _matching(block: str, line: int) -> list[ParsedAnswer]:
    """``{=prompt -> answer =prompt -> answer}``."""
    answers = []
    for part in block.split("="):
        if not part.strip():
            continue
        if "->" not in part:
            raise FormatError(_("Each matching pair needs “->”."), line)
        prompt, answer = part.split("->", 1)
        answers.append(ParsedAnswer(text=_restore(prompt), match_text=_restore(answer)))
    return answers


def _true_false(block: str) -> list[ParsedAnswer]:
    """``{T}`` or ``{FALSE#feedback when wrong#feedback when right}``."""
    head, *feedbacks = block.split("#")
    truth = _TRUEFALSE[_restore(head).lower()]
    wrong = _restore(feedbacks[0]) if feedbacks else ""
    right = _restore(feedbacks[1]) if len(feedbacks) > 1 else ""
    return [
        ParsedAnswer(text="True", fraction=Decimal(int(truth)), feedback=right if truth else wrong),
        ParsedAnswer(
            text="False", fraction=Decimal(int(not truth)), feedback=wrong if truth else right
        ),
    ]


def _short_answers(block: str, line: int) -> list[ParsedAnswer]:
    """``{=answer =%50%half-right answer}``."""
    return [
        ParsedAnswer(text=answer, fraction=fraction, feedback=feedback)
        for fraction, answer, feedback in _weighted_answers(block, line)
    ]


def _typed_answers(block: str, line: int) -> tuple[str, list[ParsedAnswer]]:
    """The question type the answer block spells, detected as Moodle does, and its answers."""
    if block == "":
        return QuestionType.ESSAY, []
    if block.startswith("#"):
        return QuestionType.NUMERICAL, _numerical(block, line)
    if "~" in block:
        single = "=" in block
        return (QuestionType.SINGLE if single else QuestionType.MULTIPLE), _choices(block, line)
    if "=" in block and "->" in block:
        return QuestionType.MATCHING, _matching(block, line)
    if _split_feedback(block)[0].lower() in _TRUEFALSE:
        return QuestionType.TRUE_FALSE, _true_false(block)
    if block.lstrip().startswith("="):
        return QuestionType.SHORT_ANSWER, _short_answers(block, line)
    raise FormatError(
        _("The answer block “%(b)s” is not a GIFT question type.") % {"b": _restore(block)},
        line,
    )


def _parse_block(text: str, line: int, category: str) -> ParsedQuestion:
    """One question: its header, its text and answer block, its type and answers."""
    name, text_format, rest = _split_header(_protect(text), line)
    question_text, block, general_feedback = _split_answer_block(rest, line)
    qtype, answers = _typed_answers(block, line)
    question = ParsedQuestion(
        qtype=qtype,
        name=name or question_text[:60].strip(),
        text=question_text,
        category=category,
        text_format=text_format,
        general_feedback=general_feedback,
        answers=answers,
        line=line,
    )
    validate(question)
    return question


def parse(source: str) -> list[ParsedQuestion]:
    """Parses a whole GIFT file. Raises FormatError naming the line of the first problem."""
    questions: list[ParsedQuestion] = []
    category = clean_category("")
    for line, block in _blocks(source):
        first, _nl, remainder = block.partition("\n")
        if first.strip().startswith("$CATEGORY:"):
            category = clean_category(first.strip()[len("$CATEGORY:") :])
            if not remainder.strip():
                continue
            block, line = remainder, line + 1
        questions.append(_parse_block(block, line, category))
    return questions


# --- export ------------------------------------------------------------------------------


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(fraction: Decimal) -> str:
    return _plain(fraction * 100)


def _feedback(text: str) -> str:
    return f"#{_escape(text)}" if text else ""


def render(questions: list[ParsedQuestion]) -> str:
    """Writes questions as GIFT, grouped under ``$CATEGORY:`` lines."""
    out: list[str] = []
    category = None
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: $course$/top/{category}\n")
        lines = [f"::{_escape(q.name)}::[{q.text_format}]{_escape(q.text)}{{"]
        if q.qtype == QuestionType.TRUE_FALSE:
            right = next(a for a in q.answers if a.fraction == 1)
            wrong = next(a for a in q.answers if a is not right)
            truth = right.text.lower() == "true"
            head = "TRUE" if truth else "FALSE"
            fb = ""
            if right.feedback or wrong.feedback:
                fb = f"#{_escape(wrong.feedback)}"
                if right.feedback:
                    fb += f"#{_escape(right.feedback)}"
            lines[0] += head + fb
        elif q.qtype == QuestionType.NUMERICAL:
            lines[0] += "#"
            for a in q.answers:
                tolerance = f":{_plain(a.tolerance)}" if a.tolerance else ""
                weight = "" if a.fraction == 1 else f"%{_percent(a.fraction)}%"
                lines.append(f"\t={weight}{a.text}{tolerance}{_feedback(a.feedback)}")
        elif q.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            for a in q.answers:
                if q.qtype == QuestionType.SINGLE and a.fraction == 1:
                    prefix = "="
                elif a.fraction == 0 and q.qtype == QuestionType.SINGLE:
                    prefix = "~"
                else:
                    prefix = f"~%{_percent(a.fraction)}%"
                lines.append(f"\t{prefix}{_escape(a.text)}{_feedback(a.feedback)}")
        elif q.qtype == QuestionType.SHORT_ANSWER:
            for a in q.answers:
                weight = "" if a.fraction == 1 else f"%{_percent(a.fraction)}%"
                lines.append(f"\t={weight}{_escape(a.text)}{_feedback(a.feedback)}")
        elif q.qtype == QuestionType.MATCHING:
            for a in q.answers:
                lines.append(f"\t={_escape(a.text)} -> {_escape(a.match_text)}")
        if q.general_feedback:
            lines.append(f"\t####{_escape(q.general_feedback)}")
        if len(lines) == 1:
            lines[0] += "}"
        else:
            lines.append("}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)
