"""The parsed form of a question, shared by every import/export format."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from courses.quiz.grading import read_decimal
from courses.quiz.models import QuestionType
from lms.errors import ServiceError

DEFAULT_CATEGORY = "Default"
ZERO = Decimal("0")
#: What the bank's columns hold: QuestionCategory.name, Question.default_mark (7 digits,
#: 2 places, kept sensible), Answer.tolerance (24 digits, 10 places).
MAX_CATEGORY_CHARS = 255
MAX_MARK = Decimal("1000")
MAX_TOLERANCE = Decimal("1E14")
CONTEXT_PREFIXES = ("$course$/", "$system$/", "$module$/", "$cat1$/", "$cat2$/")


class FormatError(ServiceError):
    """A file (or a question) that cannot be imported. ``line`` is the 1-based line of the
    problem; ``problem`` says what is wrong, and ``message``, shown to staff, names the line
    too (``line 7: …``)."""

    def __init__(self, problem: str, line: int | None = None):
        self.problem = str(problem)
        self.line = line
        super().__init__(
            _("line %(line)s: %(problem)s") % {"line": line, "problem": problem}
            if line
            else problem
        )


@dataclass
class ParsedAnswer:
    text: str
    fraction: Decimal = Decimal("0")
    feedback: str = ""
    tolerance: Decimal = Decimal("0")
    match_text: str = ""


@dataclass
class ParsedQuestion:
    qtype: str
    name: str
    text: str
    category: str = DEFAULT_CATEGORY
    text_format: str = "moodle"
    general_feedback: str = ""
    answers: list[ParsedAnswer] = field(default_factory=list)
    case_sensitive: bool = False
    default_mark: Decimal = Decimal("1")
    line: int = 0


def _finite(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def clean_category(path: str) -> str:
    """Moodle category paths without the context prefix and ``top``: `$course$/top/A/B` -> `A/B`."""
    path = path.strip().strip("/")
    for prefix in CONTEXT_PREFIXES:
        if path.startswith(prefix):
            path = path[len(prefix) :]
    if path == "top":
        return DEFAULT_CATEGORY
    if path.startswith("top/"):
        path = path[4:]
    return "/".join(part.strip() for part in path.split("/") if part.strip()) or DEFAULT_CATEGORY


def read_number(text: str | None, line: int) -> Decimal:
    """The number ``text`` spells, or FormatError: NaN, infinities and sizes beyond
    10**±100 (``1e999999999``) are refused, never stored or computed with."""
    value = read_decimal(text or "")
    if value is None:
        raise FormatError(
            _("“%(v)s” is not a number, or is too large or too small.")
            % {"v": (text or "").strip()[:40]},
            line,
        )
    return value


def validate(question: ParsedQuestion) -> None:
    """Raises FormatError (with the question's line) when the question cannot work, or
    holds a value the bank cannot store."""
    answers = question.answers
    line = question.line
    if not question.text.strip():
        raise FormatError(_("The question has no text."), line)
    if not question.name.strip():
        raise FormatError(_("The question has no name."), line)
    if len(question.category) > MAX_CATEGORY_CHARS:
        raise FormatError(
            _("The category path is longer than %(n)s characters.") % {"n": MAX_CATEGORY_CHARS},
            line,
        )
    if not _finite(question.default_mark) or not ZERO <= question.default_mark <= MAX_MARK:
        raise FormatError(
            _("The default mark must be a number from 0 to %(max)s.") % {"max": MAX_MARK}, line
        )
    for answer in answers:
        if not _finite(answer.fraction) or not Decimal("-1") <= answer.fraction <= Decimal("1"):
            raise FormatError(_("Weights must be between -100% and 100%."), line)
        if not _finite(answer.tolerance) or not ZERO <= answer.tolerance < MAX_TOLERANCE:
            raise FormatError(
                _("A tolerance must be a number from 0 to below %(max)s.")
                % {"max": f"{MAX_TOLERANCE:f}"},
                line,
            )
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if len(answers) < 2:
            raise FormatError(_("A choice question needs at least two choices."), line)
        if not any(a.fraction >= 1 for a in answers) and qtype == QuestionType.SINGLE:
            raise FormatError(_("A single-choice question needs one answer worth 100%."), line)
        positive = sum((a.fraction for a in answers if a.fraction > 0), Decimal("0"))
        if qtype == QuestionType.MULTIPLE and abs(positive - 1) > Decimal("0.001"):
            raise FormatError(
                _("The positive weights of a multiple-choice question must add up to 100%."), line
            )
    elif qtype == QuestionType.TRUE_FALSE:
        if len(answers) != 2 or sum(1 for a in answers if a.fraction == 1) != 1:
            raise FormatError(_("A true/false question needs exactly one right answer."), line)
    elif qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL):
        if not any(a.fraction >= 1 for a in answers):
            raise FormatError(_("The question needs at least one answer worth 100%."), line)
        if qtype == QuestionType.NUMERICAL:
            for answer in answers:
                if answer.text.strip() != "*":
                    read_number(answer.text, line)
    elif qtype == QuestionType.MATCHING:
        if sum(1 for a in answers if a.text and a.match_text) < 2:
            raise FormatError(_("A matching question needs at least two pairs."), line)
    elif qtype == QuestionType.ESSAY:
        if answers:
            raise FormatError(_("An essay question has no answers."), line)
    else:
        raise FormatError(_("Unknown question type “%(type)s”.") % {"type": qtype}, line)
