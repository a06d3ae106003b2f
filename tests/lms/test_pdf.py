"""PDFs are drawn with fonts shipped as a package, print names in any of the scripts the site
serves (Latin, Greek, Cyrillic, Chinese), and both kinds of certificate share one
verification link and QR content (lms/pdf.py)."""

import datetime
import io
from pathlib import Path

import fontpkg
import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from accreditation import certificates as accreditation_certificates
from accreditation.selectors import accreditation_by_code
from courses import certificates as course_certificates
from courses.models import Certificate
from lms import pdf
from tests.accreditation.factories import AccreditationFactory, AuditorFactory, FirmFactory

NAME = "Zoë Łukasiewicz 王小明"
GREEK_AND_CYRILLIC = "Ελένη Παπαδοπούλου · Иван Петров"


def _text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    """The extracted text of every page, and the base names of the fonts the pages use."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return text, fonts


def _embedded_font_files(data: bytes) -> list[str]:
    """Base names of the fonts whose glyphs are embedded (TrueType font files)."""
    reader = PdfReader(io.BytesIO(data))
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.append(str(font["/BaseFont"]))
    return names


@pytest.fixture
def course_certificate():
    return Certificate(
        code="course-code-123",
        holder_name=NAME,
        course_title=GREEK_AND_CYRILLIC,
        issued_on=datetime.date(2026, 3, 1),
    )


@pytest.fixture
def accreditation(db):
    created = AccreditationFactory(
        auditor=AuditorFactory(user__full_name=NAME),
        firm=FirmFactory(name="Аудит Ελλάς 审核"),
        scope=[("casthouse", "CN")],
    )
    return accreditation_by_code(created.code)


def test_the_fonts_come_from_the_font_package_not_from_the_system():
    pdf.register_fonts()

    package = fontpkg.family(pdf.FAMILY)
    package_root = Path(package.files[0].path).parent
    for name in (pdf.REGULAR, pdf.BOLD):
        path = Path(pdfmetrics.getFont(name).face.filename)
        assert path.is_relative_to(package_root), path
        assert not path.is_relative_to("/usr/share/fonts")
    # The Chinese font is reportlab's built-in CID font: nothing is read from disk.
    assert pdfmetrics.getFont(pdf.CJK).face.name == "STSong-Light"


def test_registering_the_fonts_twice_changes_nothing():
    pdf.register_fonts()
    regular = pdfmetrics.getFont(pdf.REGULAR)

    pdf.register_fonts()

    assert pdfmetrics.getFont(pdf.REGULAR) is regular


def test_text_is_cut_into_runs_by_script():
    assert pdf.runs(NAME) == [(pdf.REGULAR, "Zoë Łukasiewicz "), (pdf.CJK, "王小明")]
    assert pdf.runs(GREEK_AND_CYRILLIC, pdf.BOLD) == [(pdf.BOLD, GREEK_AND_CYRILLIC)]
    assert pdf.runs("王 Ivan") == [(pdf.CJK, "王 "), (pdf.REGULAR, "Ivan")]
    assert pdf.runs("") == []


def test_paragraph_markup_escapes_and_switches_to_the_chinese_font_only_where_needed():
    assert pdf.markup("A & <b> 王小明") == (
        f'A &amp; &lt;b&gt; <font name="{pdf.CJK}">王小明</font>'
    )


def test_text_drawn_in_mixed_scripts_is_as_wide_as_its_runs_and_can_be_centred():
    width = pdf.string_width(NAME, pdf.REGULAR, 20)
    expected = pdfmetrics.stringWidth("Zoë Łukasiewicz ", pdf.REGULAR, 20) + (
        pdfmetrics.stringWidth("王小明", pdf.CJK, 20)
    )
    assert width == pytest.approx(expected)
    assert pdf.fitting_size(NAME, font=pdf.REGULAR, size=20, width=width) == 20
    assert pdf.fitting_size(NAME, font=pdf.REGULAR, size=20, width=width / 2) < 20

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    pdf.draw_text(page, 300, 700, NAME, size=20, align="centre")
    page.showPage()
    page.save()
    text, fonts = _text_and_fonts(buffer.getvalue())
    assert "Zoë Łukasiewicz" in text and "王小明" in text
    assert {"FiraSans-Regular", "STSong-Light"} <= fonts


def test_a_certificate_of_completion_prints_latin_greek_cyrillic_and_chinese(course_certificate):
    data = course_certificates.certificate_pdf(course_certificate)

    text, fonts = _text_and_fonts(data)
    assert "Zoë Łukasiewicz" in text and "王小明" in text
    assert "Ελένη Παπαδοπούλου" in text and "Иван Петров" in text
    assert fonts == {"FiraSans-Regular", "FiraSans-Bold", "STSong-Light"}
    assert sorted(name.split("+")[-1] for name in _embedded_font_files(data)) == [
        "FiraSans-Bold",
        "FiraSans-Regular",
    ]


def test_an_accreditation_certificate_prints_latin_greek_cyrillic_and_chinese(accreditation):
    data = accreditation_certificates.certificate_pdf(accreditation)

    text, fonts = _text_and_fonts(data)
    assert "Zoë Łukasiewicz" in text and "王小明" in text
    assert "Аудит Ελλάς" in text and "审核" in text
    assert fonts == {"FiraSans-Regular", "FiraSans-Bold", "STSong-Light"}


def test_both_certificate_kinds_share_the_verification_link_and_qr_content(
    course_certificate, accreditation, monkeypatch
):
    encoded = []
    real_qr_drawing = pdf.qr_drawing

    def recording_qr_drawing(data, size):
        encoded.append(data)
        return real_qr_drawing(data, size)

    monkeypatch.setattr(pdf, "qr_drawing", recording_qr_drawing)

    course_pdf = course_certificates.certificate_pdf(course_certificate)
    accreditation_pdf = accreditation_certificates.certificate_pdf(accreditation)

    course_url = f"http://testserver/verify/{course_certificate.code}/"
    accreditation_url = f"http://testserver/verify/{accreditation.code}/"
    assert encoded == [course_url, accreditation_url]
    assert pdf.verification_url(course_certificate.code) == course_url
    assert course_certificates.verification_url(course_certificate) == course_url
    assert course_url in _text_and_fonts(course_pdf)[0]
    assert accreditation_url in _text_and_fonts(accreditation_pdf)[0].replace("\n", "")
