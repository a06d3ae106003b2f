"""A certificate of completion names the course in its reader's language: the title in each
language the course was translated into is kept on issue, and a later edit of a translation
changes no certificate. Without a translation in the reader's language: the English title."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from wagtail.models import Locale

from courses.certificates import certificate_pdf
from courses.models import Certificate, CourseText
from tests.courses.factories import finish_course

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Approvisionnement responsable"


def translate_title(course, language: str, title: str) -> CourseText:
    course.save_revision().publish()  # the English text translators work from
    source = CourseText.objects.get(course=course, locale__language_code="en")
    locale, _created = Locale.objects.get_or_create(language_code=language)
    translated = source.copy_for_translation(locale)
    translated.title = title
    translated.save()
    return translated


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_certificate_keeps_the_course_title_of_each_translation(
    user, course, lessons, quiz_passes
):
    french = translate_title(course, "fr", FRENCH_TITLE)
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    assert certificate.course_title == "Responsible sourcing"
    assert certificate.course_titles == {"fr": FRENCH_TITLE}
    with translation.override("fr"):
        assert certificate.localized_course_title == FRENCH_TITLE
    with translation.override("de"):  # no German translation: the English title
        assert certificate.localized_course_title == "Responsible sourcing"

    french.title = "Un autre titre"
    french.save()
    certificate.refresh_from_db()
    with translation.override("fr"):
        assert certificate.localized_course_title == FRENCH_TITLE


def test_the_pdf_and_the_verification_page_name_the_course_in_the_readers_language(
    client, user, course, lessons, quiz_passes
):
    translate_title(course, "fr", FRENCH_TITLE)
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()

    assert FRENCH_TITLE in pdf_text(certificate_pdf(certificate, language="fr"))
    assert "Responsible sourcing" in pdf_text(certificate_pdf(certificate, language="en"))

    with translation.override("fr"):
        french_page = client.get(reverse("courses:verify", args=[certificate.code]))
    assert french_page.status_code == 200
    assert FRENCH_TITLE in french_page.content.decode()
    english_page = client.get(reverse("courses:verify", args=[certificate.code]))
    assert "Responsible sourcing" in english_page.content.decode()
    assert FRENCH_TITLE not in english_page.content.decode()

    client.force_login(user)
    with translation.override("fr"):
        dashboard = client.get(reverse("courses:dashboard"))
    assert dashboard.status_code == 200
    assert FRENCH_TITLE in dashboard.content.decode()


def test_a_course_never_translated_gives_certificates_its_english_title_only(
    user, course, lessons, quiz_passes
):
    finish_course(user, course, lessons, quiz_passes)
    certificate = Certificate.objects.get()
    assert certificate.course_titles == {}
    with translation.override("fr"):
        assert certificate.localized_course_title == "Responsible sourcing"
