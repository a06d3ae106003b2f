"""Import/export formats: GIFT and Moodle XML, both Moodle's own."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import gift, moodlexml
from .base import FormatError, ParsedAnswer, ParsedQuestion

FORMATS = {"gift": gift, "moodlexml": moodlexml}

__all__ = ["FORMATS", "FormatError", "ParsedAnswer", "ParsedQuestion", "parse", "render"]


def parse(fmt: str, source: str | bytes) -> list[ParsedQuestion]:
    """Every question of a whole file in ``fmt`` (``gift`` or ``moodlexml``), or FormatError
    naming the line of the first problem."""
    if fmt not in FORMATS:
        raise FormatError(
            _("Unknown format “%(format)s”; use gift or moodlexml.") % {"format": fmt}
        )
    if fmt == "gift" and isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(_("The file is not UTF-8 text.")) from exc
    return FORMATS[fmt].parse(source)


def render(fmt: str, questions: list[ParsedQuestion]) -> str:
    return FORMATS[fmt].render(questions)
