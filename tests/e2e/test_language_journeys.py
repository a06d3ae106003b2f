"""The site in other languages, in a browser (issue 15), axe-core on every page: a visitor
switches the public register to French with the language switcher and keeps filtering
in French; a Chinese-speaking auditor takes the exam in Chinese and downloads a
certificate that carries her Chinese name.

The interface words the journeys look for are read from the catalogues under locale/
(the translators' text, not a copy of it here)."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import polib
import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@functools.cache
def _catalogue(locale: str, domain: str) -> dict[tuple[str | None, str], polib.POEntry]:
    path = LOCALE / locale / "LC_MESSAGES" / f"{domain}.po"
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


def translated(
    locale: str, msgid: str, *, plural: int | None = None, domain: str = "django", **values
) -> str:
    """The catalogue's words for ``msgid`` in ``locale`` (``plural``: the index of the
    plural form), with ``%(name)s`` placeholders filled from ``values``."""
    entry = _catalogue(locale, domain)[(None, msgid)]
    text = entry.msgstr if plural is None else entry.msgstr_plural[plural]
    assert text and "fuzzy" not in entry.flags, f"{msgid!r} is not translated in {locale}"
    return text % values if values else text


# --- A visitor switches the register to French ---------------------------------------------


def _register():
    from tests.accreditation.factories import AccreditationFactory, AuditorFactory, FirmFactory

    firm = FirmFactory(name="Nordic Assurance AS", slug="nordic-assurance", country="NO")
    AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Li Wei"), firm=firm, scope=[("casthouse", "CN")]
    )
    AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Jonas Berg"), firm=firm, scope=[("casthouse", "NO")]
    )


def test_a_visitor_switches_to_french_on_the_register_and_stays_on_it(page, live_server):
    def fr(msgid, **kwargs):
        return translated("fr", msgid, **kwargs)

    _register()
    watch_errors(page)

    page.goto("/auditors/")
    page.get_by_role("heading", name="Register of accredited auditors").wait_for()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page)

    switcher = page.get_by_role("navigation", name="Language")
    switcher.get_by_role("link", name="Français").click()
    page.wait_for_url(f"{live_server.url}/fr/auditors/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name=fr("Register of accredited auditors"))).to_be_visible()
    expect(page.get_by_text(fr("%(counter)s auditor listed", plural=1, counter=2))).to_be_visible()
    # The switcher now names French as the current language, in French's own words.
    french_switcher = page.get_by_role("navigation", name=fr("Language"))
    expect(french_switcher.locator("[aria-current=true]")).to_have_text("Français")
    expect(french_switcher.get_by_role("link", name="English")).to_have_attribute(
        "href", "/auditors/"
    )
    check_page(page)
    screenshot(page, "language-register-french")

    # The filters work in French, and keep the visitor on the French pages.
    filters = page.get_by_role("search", name=fr("Filter the register"))
    filters.get_by_label(fr("Country")).select_option("CN")
    filters.get_by_label(fr("Audit firm")).select_option("nordic-assurance")
    filters.get_by_role("button", name=fr("Filter")).click()
    page.wait_for_url(re.compile(r"/fr/auditors/\?.*country=CN"))
    expect(page.get_by_text(fr("%(counter)s auditor listed", plural=0, counter=1))).to_be_visible()
    expect(page.get_by_role("link", name="Li Wei")).to_be_visible()
    expect(page.get_by_role("link", name="Jonas Berg")).to_have_count(0)
    expect(page.get_by_role("link", name=fr("Download these results (CSV)"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    check_page(page)
    screenshot(page, "language-register-french-filtered")

    # An auditor's page from there is French too.
    page.get_by_role("link", name="Li Wei").click()
    page.get_by_role("heading", name="Li Wei").wait_for()
    assert page.url.startswith(f"{live_server.url}/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    check_page(page)
    assert_every_page_checked(page, site=live_server.url)


# --- A Chinese-speaking auditor takes the exam in Chinese -------------------------------------

QUESTION_ZH = "铝土矿开采生产哪种矿石？"
# (answer, feedback), in the order of the English answers (Bauxite, Copper, Nickel).
ANSWERS_ZH = (("铝土矿", "正确。"), ("铜矿", "不正确。"), ("镍矿", ""))


def _exam_in_chinese(user):
    """A course of one reading lesson (done) and its exam (one question, offered in
    Chinese, a paid sitting needed and granted); the user is enrolled. Returns the course
    and the exam."""
    from courses import services as course_services
    from courses.models import LessonKind
    from courses.quiz import services as quiz_services
    from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
    from tests.quiz.factories import QuestionCategoryFactory, quiz_with, single_choice

    question = single_choice(
        category=QuestionCategoryFactory(is_exam_pool=True),
        text="Which ore do bauxite mines produce?",
    )
    quiz_services.question_translation_save(
        question=question,
        language="zh-hans",
        text=QUESTION_ZH,
        answers={
            answer.pk: quiz_services.AnswerWords(text=words, match_text="", feedback=feedback)
            for answer, (words, feedback) in zip(
                question.answers.order_by("sort_order"), ANSWERS_ZH, strict=True
            )
        },
    )  # fmt: skip
    exam = quiz_with(
        question,
        title="Performance Standard auditor exam",
        slug="ps-exam",
        is_exam=True,
        sitting_fee_required=True,
        time_limit_minutes=60,
        pass_mark=80,
    )
    exam.languages = ["zh-hans"]
    exam.save(update_fields=["languages"])

    course = CourseFactory(
        title="Performance Standard auditor training", exam_requires_earlier_lessons=True
    )
    module = ModuleFactory(course=course, title="The standard", sort_order=0)
    reading = LessonFactory(module=module, title="Principles and criteria", sort_order=0)
    LessonFactory(module=module, title="Exam", kind=LessonKind.QUIZ, quiz=exam, sort_order=1)
    enrollment = course_services.enrollment_self_enrol(user=user, course=course)
    course_services.lesson_mark_done(enrollment=enrollment, lesson=reading)
    quiz_services.sitting_grant(user=user, quiz=exam, source="order-1/line-1")
    return course, exam


def test_a_chinese_speaking_auditor_takes_the_exam_in_chinese_and_gets_a_certificate(
    page, live_server
):
    from django.utils import translation
    from pypdf import PdfReader

    from courses.quiz.models import Answer, AnswerTranslation, Attempt
    from tests.accreditation.factories import AuditorFactory

    def zh(msgid, **kwargs):
        return translated("zh_Hans", msgid, **kwargs)

    auditor = AuditorFactory(user__full_name="王芳", user__preferred_language="zh-hans").user
    course, exam = _exam_in_chinese(auditor)
    with translation.override("zh-hans"):
        exam_url, course_url = exam.get_absolute_url(), course.get_absolute_url()
    assert exam_url.startswith("/zh-hans/") and course_url.startswith("/zh-hans/")
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    watch_errors(page)

    # Signing in lands her in her preferred language.
    steps.sign_in(page, auditor.email)
    assert page.url.startswith(f"{live_server.url}/zh-hans/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    footer = page.get_by_role("navigation", name=zh("Footer"))
    expect(footer.get_by_role("link", name=zh("Auditor register"))).to_be_visible()
    check_page(page)

    # The exam page offers Chinese; she starts in it.
    page.goto(exam_url)
    language = page.get_by_role("group", name=zh("Language of the exam"))
    expect(language.get_by_role("radio", name="English")).to_be_visible()
    language.get_by_role("radio", name="简体中文").check()
    expect(language.get_by_role("radio", name="English")).not_to_be_checked()
    check_page(page)
    page.get_by_role("button", name=zh("Start the attempt")).click()
    page.get_by_role("button", name=zh("Review and submit")).wait_for()
    assert dialogs == [zh("The clock starts now and cannot be paused. Start the attempt?")]
    attempt = Attempt.objects.get(user=auditor, quiz=exam)
    assert attempt.language == "zh-hans"
    expect(page.get_by_text(QUESTION_ZH)).to_be_visible()
    expect(page.get_by_text("Which ore do bauxite mines produce?")).to_have_count(0)
    check_page(page)
    screenshot(page, "language-exam-chinese")

    # The right answer, as the database knows it, in Chinese.
    right = Answer.objects.get(question__slots__quiz=exam, fraction=1)
    right_words = AnswerTranslation.objects.get(answer=right, translation__language="zh-hans").text
    page.get_by_role("radio", name=right_words).check()
    expect(page.get_by_text(translated("zh_Hans", "Saved.", domain="djangojs"))).to_be_visible()
    page.get_by_role("button", name=zh("Review and submit")).click()
    page.get_by_role("heading", name=zh("Review before submitting")).wait_for()
    check_page(page)
    page.get_by_role("button", name=zh("Submit all and finish")).click()
    page.get_by_role("heading", name=zh("Result: %(title)s", title=exam.title)).wait_for()
    expect(page.get_by_text(zh("Passed"), exact=True)).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.passed
    check_page(page)
    screenshot(page, "language-exam-chinese-passed")

    # Passing the exam completed the course: the certificate, with her name in Chinese.
    page.goto(course_url)
    download_link = page.get_by_role("link", name=zh("Download your certificate (PDF)"))
    download_link.wait_for()
    check_page(page)
    with page.expect_download() as download:
        download_link.click(modifiers=["Alt"])
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert "王芳" in text
    assert_every_page_checked(page, site=live_server.url)
