"""PDFs are drawn with fonts shipped with the project (a font package, and lms/fonts/), every
font embedded; they print names in any of the scripts the site serves (Latin, Greek,
Cyrillic, Chinese), are written in the holder's language, and both kinds of certificate share
one verification link and QR content (lms/pdf.py)."""

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
from courses.models import Certificate, CourseCompletion, Enrollment
from lms import pdf
from tests.accreditation.factories import AccreditationFactory, AuditorFactory, FirmFactory
from tests.courses.factories import CourseFactory
from tests.factories import UserFactory
from tests.pdfs import assert_every_font_is_embedded

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


CJK_FACE = "WenQuanYiMicroHei"


def _certificate_of(user, *, holder_name: str, title: str = "Chain of Custody basics"):
    """A saved certificate of completion of a new course by ``user``."""
    course = CourseFactory(title=title)
    enrollment = Enrollment.objects.create(user=user, course=course)
    completion = CourseCompletion.objects.create(
        user=user, course=course, enrollment=enrollment, completed_on=datetime.date(2026, 3, 1)
    )
    return Certificate.objects.create(
        completion=completion,
        holder_name=holder_name,
        course_title=title,
        issued_on=datetime.date(2026, 3, 1),
    )


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


def test_the_fonts_come_from_the_font_package_and_the_project_not_from_the_system():
    pdf.register_fonts()

    package = fontpkg.family(pdf.FAMILY)
    package_root = Path(package.files[0].path).parent
    for name in (pdf.REGULAR, pdf.BOLD):
        path = Path(pdfmetrics.getFont(name).face.filename)
        assert path.is_relative_to(package_root), path
        assert not path.is_relative_to("/usr/share/fonts")
    chinese = Path(pdfmetrics.getFont(pdf.CJK).face.filename)
    assert chinese == Path(pdf.__file__).parent / "fonts" / "WenQuanYiMicroHei-subset.ttf"
    assert (chinese.parent / "LICENSE-Apache-2.0.txt").exists()
    # Rare characters of Chinese names are there too, not only GB2312's.
    assert all(ord(char) in pdfmetrics.getFont(pdf.CJK).face.charToGlyph for char in "王芳喆堃")


def test_registering_the_fonts_twice_changes_nothing():
    pdf.register_fonts()
    regular = pdfmetrics.getFont(pdf.REGULAR)

    pdf.register_fonts()

    assert pdfmetrics.getFont(pdf.REGULAR) is regular


def test_text_is_cut_into_runs_by_script():
    assert pdf.runs(NAME) == [(pdf.REGULAR, "Zoë Łukasiewicz "), (pdf.CJK, "王小明")]
    assert pdf.runs(GREEK_AND_CYRILLIC, pdf.BOLD) == [(pdf.BOLD, GREEK_AND_CYRILLIC)]
    assert pdf.runs("王 Ivan") == [(pdf.CJK, "王 "), (pdf.REGULAR, "Ivan")]
    assert pdf.runs("João Araújo") == [(pdf.REGULAR, "João Araújo")]
    assert pdf.runs("「王芳」，") == [(pdf.CJK, "「王芳」，")]
    # Neither font has Hangul: it stays with the Latin font rather than vanishing.
    assert pdf.runs("김 王") == [(pdf.REGULAR, "김 "), (pdf.CJK, "王")]
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
    page = canvas.Canvas(buffer, initialFontName=pdf.REGULAR)
    pdf.draw_text(page, 300, 700, NAME, size=20, align="centre")
    page.showPage()
    page.save()
    text, fonts = _text_and_fonts(buffer.getvalue())
    assert "Zoë Łukasiewicz" in text and "王小明" in text
    assert {"FiraSans-Regular", CJK_FACE} <= fonts
    assert_every_font_is_embedded(buffer.getvalue())


def test_a_certificate_of_completion_prints_latin_greek_cyrillic_and_chinese(course_certificate):
    data = course_certificates.certificate_pdf(course_certificate)

    text, fonts = _text_and_fonts(data)
    assert "Zoë Łukasiewicz" in text and "王小明" in text
    assert "Ελένη Παπαδοπούλου" in text and "Иван Петров" in text
    assert fonts == {"FiraSans-Regular", "FiraSans-Bold", CJK_FACE}
    assert sorted(name.split("+")[-1] for name in _embedded_font_files(data)) == [
        "FiraSans-Bold",
        "FiraSans-Regular",
        CJK_FACE,
    ]
    assert_every_font_is_embedded(data)


@pytest.mark.parametrize("name", ["王芳", "João Araújo"])
def test_a_certificate_prints_a_chinese_or_portuguese_name_with_embedded_fonts(db, name):
    certificate = _certificate_of(UserFactory(full_name=name), holder_name=name)

    data = course_certificates.certificate_pdf(certificate)

    text, _fonts = _text_and_fonts(data)
    assert name in text
    assert_every_font_is_embedded(data)


def test_an_accreditation_certificate_prints_latin_greek_cyrillic_and_chinese(accreditation):
    data = accreditation_certificates.certificate_pdf(accreditation)

    text, fonts = _text_and_fonts(data)
    assert "Zoë Łukasiewicz" in text and "王小明" in text
    assert "Аудит Ελλάς" in text and "审核" in text
    assert fonts == {"FiraSans-Regular", "FiraSans-Bold", CJK_FACE}
    assert_every_font_is_embedded(data)


def test_a_certificate_of_completion_is_written_in_its_holders_language(db):
    french = _certificate_of(UserFactory(preferred_language="fr"), holder_name="Jeanne Dupont")
    chinese = _certificate_of(UserFactory(preferred_language="zh-hans"), holder_name="王芳")
    english = _certificate_of(UserFactory(preferred_language=""), holder_name="Ann Lee")

    french_text = _text_and_fonts(course_certificates.certificate_pdf(french))[0]
    chinese_pdf = course_certificates.certificate_pdf(chinese)
    # Digits and Chinese are separate runs, which text extraction puts on separate lines.
    chinese_text = _text_and_fonts(chinese_pdf)[0].replace("\n", "")
    english_text = _text_and_fonts(course_certificates.certificate_pdf(english))[0]

    assert "Certificat de réussite" in french_text and "1 mars 2026" in french_text
    assert "结业证书" in chinese_text and "2026年3月1日" in chinese_text
    assert "Certificate of completion" in english_text and "March 1, 2026" in english_text
    # Asked for in another language, it is written in that one.
    asked = course_certificates.certificate_pdf(french, language="de")
    assert "Abschlusszertifikat" in _text_and_fonts(asked)[0]
    # The printed verification address is the same in every language.
    assert f"http://testserver/verify/{chinese.code}/" in chinese_text
    assert_every_font_is_embedded(chinese_pdf)


def test_an_accreditation_certificate_is_written_in_the_auditors_language(db):
    created = AccreditationFactory(
        auditor=AuditorFactory(user__full_name="João Araújo", user__preferred_language="fr"),
        scope=[("casthouse", "CN")],
    )
    accreditation = accreditation_by_code(created.code)

    text = _text_and_fonts(accreditation_certificates.certificate_pdf(accreditation))[0]

    assert "Certificat d'accréditation" in text and "João Araújo" in text
    assert "Chine" in text  # the scope's country, in French
    assert "Accreditation certificate" not in text


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
