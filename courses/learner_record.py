"""The learner record (transcript) as a PDF, drawn from ``selectors.learner_record`` with the
fonts of ``lms.pdf`` (names and titles in any script print).

It shows exactly what the record page shows: scores and markers' feedback only where the
quiz engine has released them, never a right answer. Rendered on request; nothing is
stored.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from courses.quiz.records import AttemptRecord
from courses.selectors import CourseRecord, LearnerRecord
from lms import pdf as pdfkit

BRAND = colors.HexColor("#0b5563")
GRID = colors.HexColor("#cbd5e1")
DASH = "—"

Styles = dict[str, ParagraphStyle]


def _date(value) -> str:
    return formats.date_format(value, "j M Y") if value else DASH


def _styles() -> Styles:
    base = getSampleStyleSheet()
    regular, bold = pdfkit.REGULAR, pdfkit.BOLD
    return {
        "title": ParagraphStyle(
            "title", parent=base["Title"], fontName=bold, textColor=BRAND, fontSize=20
        ),
        "name": ParagraphStyle("name", parent=base["Normal"], fontName=bold, fontSize=13),
        "normal": ParagraphStyle("normal", parent=base["Normal"], fontName=regular, fontSize=10),
        "section": ParagraphStyle(
            "section",
            parent=base["Heading2"],
            fontName=bold,
            textColor=BRAND,
            fontSize=13,
            spaceBefore=8,
        ),
        "cell": ParagraphStyle(
            "cell", parent=base["Normal"], fontName=regular, fontSize=8.5, leading=11
        ),
        "cell-bold": ParagraphStyle(
            "cell-bold", parent=base["Normal"], fontName=bold, fontSize=8.5, leading=11
        ),
        "small": ParagraphStyle(
            "small",
            parent=base["Normal"],
            fontName=regular,
            fontSize=7.5,
            leading=9.5,
            textColor=colors.HexColor("#475569"),
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base["Normal"],
            fontName=bold,
            fontSize=8.5,
            leading=11,
            textColor=colors.white,
        ),
    }


def learner_record_pdf(record: LearnerRecord) -> bytes:
    """``record`` (from ``selectors.learner_record``) as PDF bytes, A4, as many pages as
    it takes."""
    pdfkit.register_fonts()
    styles = _styles()
    name = record.user.full_name or record.user.email
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{_('Learning record')} – {name}",
        author=settings.WAGTAIL_SITE_NAME,
        initialFontName=pdfkit.REGULAR,
    )
    story: list[Flowable] = [
        Paragraph(pdfkit.markup(_("Learning record")), styles["title"]),
        Paragraph(pdfkit.markup(name), styles["name"]),
        Paragraph(pdfkit.markup(record.user.email), styles["normal"]),
        Paragraph(
            pdfkit.markup(
                _("As of %(date)s, from %(site)s")
                % {
                    "date": formats.date_format(timezone.localtime(record.generated_at), "j F Y"),
                    "site": settings.WAGTAIL_SITE_NAME,
                }
            ),
            styles["small"],
        ),
        Spacer(1, 4 * mm),
    ]
    sections = [
        (_("Courses"), _courses_table(record.courses, styles), _("No courses yet.")),
        (_("Quizzes"), _attempts_table(record.quizzes, styles), _("No quiz attempts yet.")),
        (_("Exams"), _attempts_table(record.exams, styles), _("No exam attempts yet.")),
        (
            _("Certificates"),
            _certificates_table(record, styles),
            _("Certificates appear here when you complete a course."),
        ),
    ]
    for title, table, empty in sections:
        story.append(Paragraph(pdfkit.markup(title), styles["section"]))
        story.append(
            table if table is not None else Paragraph(pdfkit.markup(empty), styles["normal"])
        )
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            pdfkit.markup(
                _(
                    "Scores and feedback are shown once they are released under each quiz's "
                    "review rules. Each certificate can be checked at its verification link."
                )
            ),
            styles["small"],
        )
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BRAND),
                ("FONTNAME", (0, 0), (-1, -1), pdfkit.REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _cell(text: str, styles: Styles, style: str = "cell") -> Paragraph:
    return Paragraph(pdfkit.markup(text), styles[style])


def _headings(texts: list[str], styles: Styles) -> list[Paragraph]:
    return [_cell(text, styles, "heading") for text in texts]


def _courses_table(courses: list[CourseRecord], styles: Styles) -> Table | None:
    if not courses:
        return None
    rows: list[list] = [
        _headings(
            [_("Course"), _("Status"), _("Lessons done"), _("Completed on"), _("Certificate")],
            styles,
        )
    ]
    for entry in courses:
        title = [_cell(entry.title, styles, "cell-bold")]
        if entry.done_lessons:
            done = "; ".join(
                f"{state.lesson.title} ({_date(state.done_on)})" for state in entry.done_lessons
            )
            title.append(_cell(done, styles, "small"))
        certificate = DASH
        if entry.certificate is not None:
            certificate = entry.certificate.code
            if not entry.certificate.is_valid:
                certificate += " · " + _("Revoked")
        rows.append(
            [
                title,
                _cell(entry.status_label, styles),
                _cell(
                    _("%(done)s of %(total)s") % {"done": entry.done_count, "total": entry.total},
                    styles,
                ),
                _cell(_date(entry.completed_on), styles),
                _cell(certificate, styles, "small"),
            ]
        )
    return _table(rows, [62 * mm, 24 * mm, 22 * mm, 24 * mm, 42 * mm])


def _score(attempt: AttemptRecord) -> str:
    if attempt.is_pending:
        return _("Waiting for marking")
    if not attempt.released:
        return _("Not released yet")
    outcome = _("Passed") if attempt.passed else _("Not passed")
    return f"{floatformat(attempt.percent, -1)} % · {outcome}"


def _feedback(attempt: AttemptRecord) -> str:
    parts = []
    for essay in attempt.essays:
        if essay.is_released and essay.feedback:
            parts.append(
                _("Question %(n)s: %(feedback)s") % {"n": essay.number, "feedback": essay.feedback}
            )
    pending = attempt.essays_pending
    if pending:
        parts.append(
            ngettext(
                "%(n)s answer waiting for marking", "%(n)s answers waiting for marking", pending
            )
            % {"n": pending}
        )
    return "\n".join(parts) or DASH


def _attempts_table(attempts: list[AttemptRecord], styles: Styles) -> Table | None:
    if not attempts:
        return None
    rows: list[list] = [
        _headings([_("Title"), _("Attempt"), _("Date"), _("Score"), _("Feedback")], styles)
    ]
    for attempt in attempts:
        feedback = [_cell(line, styles, "small") for line in _feedback(attempt).split("\n")]
        rows.append(
            [
                _cell(attempt.quiz.title, styles, "cell-bold"),
                _cell(str(attempt.number), styles),
                _cell(_date(attempt.date), styles),
                _cell(_score(attempt), styles),
                feedback,
            ]
        )
    return _table(rows, [50 * mm, 16 * mm, 22 * mm, 32 * mm, 54 * mm])


def _certificates_table(record: LearnerRecord, styles: Styles) -> Table | None:
    if not record.certificates:
        return None
    rows: list[list] = [
        _headings([_("Course"), _("Issued on"), _("Verification link"), _("Status")], styles)
    ]
    for certificate in record.certificates:
        rows.append(
            [
                _cell(certificate.localized_course_title, styles, "cell-bold"),
                _cell(_date(certificate.issued_on), styles),
                _cell(pdfkit.verification_url(certificate.code), styles, "small"),
                _cell(_("Valid") if certificate.is_valid else _("Revoked"), styles),
            ]
        )
    return _table(rows, [56 * mm, 24 * mm, 74 * mm, 20 * mm])


def _footer(pdf, doc) -> None:
    """The page number, bottom right, on every page."""
    pdf.saveState()
    pdf.setFillColor(colors.HexColor("#475569"))
    pdfkit.draw_text(
        pdf,
        A4[0] - 18 * mm,
        10 * mm,
        _("Page %(n)s") % {"n": doc.page},
        size=8,
        align="right",
    )
    pdf.restoreState()
