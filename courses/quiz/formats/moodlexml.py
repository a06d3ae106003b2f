"""Moodle XML: https://docs.moodle.org/en/Moodle_XML_format

Parsed with defusedxml (never plain ElementTree on an uploaded file). Supported question
types: category, multichoice (single / multiple), truefalse, shortanswer (usecase),
numerical (tolerance), matching (subquestions), essay. Errors name the line.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from decimal import Decimal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from courses.quiz.grading import read_decimal
from courses.quiz.models import QuestionType

from .base import FormatError, ParsedAnswer, ParsedQuestion, clean_category, read_number, validate

TYPES = {
    "truefalse": QuestionType.TRUE_FALSE,
    "shortanswer": QuestionType.SHORT_ANSWER,
    "numerical": QuestionType.NUMERICAL,
    "matching": QuestionType.MATCHING,
    "essay": QuestionType.ESSAY,
}
FORMATS = {
    "html": "html",
    "markdown": "markdown",
    "plain_text": "plain",
    "moodle_auto_format": "moodle",
}
FORMATS_OUT = {value: key for key, value in FORMATS.items()}


class _LineTreeBuilder(ET.TreeBuilder):
    """Remembers the source line of every element (ElementTree itself does not)."""

    def __init__(self):
        super().__init__()
        self.parser = None
        self.lines: dict[int, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _text(element, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def _fraction(value: str | None, line: int) -> Decimal:
    """Moodle's percentage (``fraction="50"``) as a share; NaN, infinities and absurd sizes
    are a FormatError before any arithmetic."""
    percent = read_decimal(value or "0")
    if percent is None:
        raise FormatError(_("“%(v)s” is not a valid fraction.") % {"v": value}, line)
    if not Decimal("-100") <= percent <= Decimal("100"):
        raise FormatError(_("The fraction %(v)s is out of range.") % {"v": value}, line)
    return percent / 100


def _read_tree(source: str | bytes) -> tuple[ET.Element, _LineTreeBuilder]:
    """The ``<quiz>`` root element (and the builder that knows each element's line), or
    FormatError for XML that is broken, forbidden, or not a quiz."""
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(source)
        root = parser.close()
    except ET.ParseError as exc:
        raise FormatError(
            _("The XML is not well-formed: %(e)s") % {"e": exc}, exc.position[0]
        ) from exc
    except DefusedXmlException as exc:
        raise FormatError(_("The XML uses forbidden constructs (%(e)s).") % {"e": exc}, 1) from exc
    if root.tag != "quiz":
        raise FormatError(_("The root element must be <quiz>."), builder.lines.get(id(root), 1))
    return root, builder


def _question_type(element, line: int) -> str:
    qtype = element.get("type", "")
    if qtype == "multichoice":
        single = _text(element, "single").lower() in ("true", "1")
        return QuestionType.SINGLE if single else QuestionType.MULTIPLE
    if qtype in TYPES:
        return TYPES[qtype]
    raise FormatError(_("The question type “%(t)s” is not supported.") % {"t": qtype}, line)


def _answers(element, kind: str, line: int, lines: dict[int, int]) -> list[ParsedAnswer]:
    """The question's answers (matching: its subquestions; essays have none), each number
    read with bounds and errors naming the answer's own line."""
    if kind == QuestionType.MATCHING:
        return [
            ParsedAnswer(text=_text(sub), match_text=_text(sub.find("answer")))
            for sub in element.findall("subquestion")
        ]
    if kind == QuestionType.ESSAY:
        return []
    answers = []
    for answer in element.findall("answer"):
        answer_line = lines.get(id(answer), line)
        parsed = ParsedAnswer(
            text=_text(answer),
            fraction=_fraction(answer.get("fraction"), answer_line),
            feedback=_text(answer.find("feedback")),
        )
        if kind == QuestionType.TRUE_FALSE:
            parsed.text = "True" if parsed.text.lower() == "true" else "False"
        if kind == QuestionType.NUMERICAL:
            parsed.tolerance = abs(read_number(_text(answer, "tolerance") or "0", answer_line))
            if parsed.text != "*":
                parsed.text = str(read_number(parsed.text, answer_line))
        answers.append(parsed)
    return answers


def _question(element, category: str, line: int, lines: dict[int, int]) -> ParsedQuestion:
    """One ``<question>`` (not a category) as a checked ParsedQuestion."""
    kind = _question_type(element, line)
    text_element = element.find("questiontext")
    fmt = FORMATS.get(
        text_element.get("format", "html") if text_element is not None else "html", "html"
    )
    default_mark = read_number(_text(element, "defaultgrade") or "1", line)
    question = ParsedQuestion(
        qtype=kind,
        name=_text(element.find("name")),
        text=_text(text_element),
        category=category,
        text_format=fmt,
        general_feedback=_text(element.find("generalfeedback")),
        case_sensitive=_text(element, "usecase") in ("1", "true"),
        default_mark=default_mark,
        line=line,
    )
    question.answers = _answers(element, kind, line, lines)
    if not question.name:
        question.name = html.unescape(question.text)[:60]
    validate(question)
    return question


def parse(source: str | bytes) -> list[ParsedQuestion]:
    """Parses a whole Moodle XML file. Raises FormatError naming the line of the first
    problem."""
    root, builder = _read_tree(source)
    questions: list[ParsedQuestion] = []
    category = clean_category("")
    for element in root.findall("question"):
        line = builder.lines.get(id(element), 0)
        if element.get("type", "") == "category":
            category = clean_category(_text(element.find("category")))
            continue
        questions.append(_question(element, category, line, builder.lines))
    return questions


def _cdata(text: str) -> str:
    if not text:
        return "<text></text>"
    return "<text><![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]></text>"


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def render(questions: list[ParsedQuestion]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category = None
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(
                '  <question type="category">\n    <category>'
                f"{_cdata('$course$/top/' + category)}</category>\n  </question>"
            )
        kind = {
            QuestionType.SINGLE: "multichoice",
            QuestionType.MULTIPLE: "multichoice",
        }.get(q.qtype, q.qtype)
        fmt = FORMATS_OUT.get(q.text_format, "html")
        lines = [
            f'  <question type="{kind}">',
            f"    <name>{_cdata(q.name)}</name>",
            f'    <questiontext format="{fmt}">{_cdata(q.text)}</questiontext>',
            f'    <generalfeedback format="{fmt}">{_cdata(q.general_feedback)}</generalfeedback>',
            f"    <defaultgrade>{_plain(q.default_mark)}</defaultgrade>",
        ]
        if kind == "multichoice":
            single = "true" if q.qtype == QuestionType.SINGLE else "false"
            lines.append(f"    <single>{single}</single>")
            lines.append("    <shuffleanswers>true</shuffleanswers>")
        if q.qtype == QuestionType.SHORT_ANSWER:
            lines.append(f"    <usecase>{int(q.case_sensitive)}</usecase>")
        if q.qtype == QuestionType.MATCHING:
            for a in q.answers:
                lines.append(
                    f'    <subquestion format="{fmt}">{_cdata(a.text)}'
                    f"<answer>{_cdata(a.match_text)}</answer></subquestion>"
                )
        else:
            for a in q.answers:
                text = a.text.lower() if q.qtype == QuestionType.TRUE_FALSE else a.text
                tolerance = (
                    f"<tolerance>{_plain(a.tolerance)}</tolerance>"
                    if q.qtype == QuestionType.NUMERICAL
                    else ""
                )
                lines.append(
                    f'    <answer fraction="{_plain(a.fraction * 100)}" format="{fmt}">'
                    f"{_cdata(text)}{tolerance}"
                    f'<feedback format="{fmt}">{_cdata(a.feedback)}</feedback></answer>'
                )
        lines.append("  </question>")
        out.append("\n".join(lines))
    out.append("</quiz>\n")
    return "\n".join(out)
