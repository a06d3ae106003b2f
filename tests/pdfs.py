"""Reading the PDFs the site draws, for tests: their text and their fonts (pypdf)."""

from __future__ import annotations

import io

from pypdf import PdfReader

#: The base names of the fonts lms/pdf.py draws with (Fira Sans and the Chinese font).
SITE_FONTS = {"FiraSans-Regular", "FiraSans-Bold", "WenQuanYiMicroHei"}


def pdf_text(data: bytes, *, joined: bool = False) -> str:
    """The extracted text of every page. ``joined``: without line breaks, since text
    extraction breaks lines where a run changes font (digits and Chinese in "2026年3月1日")."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\n", "") if joined else text


def assert_every_font_is_embedded(data: bytes) -> None:
    """Every font of every page is one of the site's TrueType fonts, with its glyphs in the
    file (``FontFile2``): no standard-14 font (Helvetica...) and no CID font (STSong-Light...)
    left for the reader's machine to supply."""
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{name} is not embedded"
            assert "/FontFile2" in descriptor.get_object(), f"{name} is not embedded"
            assert name.lstrip("/").split("+")[-1] in SITE_FONTS, name
