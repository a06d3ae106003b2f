"""Markdown in questions and choices (**bold**, *emphasis*, `code`, lists) is shown as
formatting, never as asterisks, and never lets HTML through: in Markdown and in Moodle's
auto-format (the default of GIFT files), on the attempt and result pages and in the back
office. Plain text stays exactly as written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.quiz import formats, services
from courses.quiz.models import Question, QuizSlot, ReviewLevel
from courses.quiz.services import questions_import
from courses.quiz.text import plain_text, render_text
from tests.quiz.factories import QuestionFactory, QuizFactory


@pytest.mark.parametrize("fmt", ["markdown", "moodle"])
def test_bold_emphasis_code_and_lists_render_in_markdown_and_moodle_formats(fmt):
    assert render_text("Which is a **sector** of *the* `PS`?", fmt) == (
        "<p>Which is a <strong>sector</strong> of <em>the</em> <code>PS</code>?</p>"
    )
    assert (
        render_text("- one\n- **two**", fmt) == "<ul><li>one</li><li><strong>two</strong></li></ul>"
    )
    assert render_text("1. first\n2. second", fmt) == "<ol><li>first</li><li>second</li></ol>"
    assert render_text("__strong__ and _emphasis_", fmt, inline=True) == (
        "<strong>strong</strong> and <em>emphasis</em>"
    )


@pytest.mark.parametrize("fmt", ["markdown", "moodle"])
def test_markdown_never_lets_html_through_and_keeps_lone_asterisks(fmt):
    rendered = render_text('**<img src=x onerror="alert(1)">** <script>x</script>', fmt)
    assert "<img" not in rendered and "<script" not in rendered
    assert "<strong>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</strong>" in rendered
    assert render_text("2 * 3 * 4 and 2*3*4", fmt, inline=True) == "2 * 3 * 4 and 2*3*4"
    assert render_text("snake_case_name", fmt, inline=True) == "snake_case_name"
    assert render_text("`**not bold**`", fmt, inline=True) == "<code>**not bold**</code>"


def test_plain_text_is_shown_as_written():
    assert render_text("**not bold**", "plain") == "<p>**not bold**</p>"


def test_the_back_office_shows_markdown_questions_without_their_markers():
    assert plain_text("Which is a **sector**?\n\n- *one*\n- two", "moodle") == (
        "Which is a sector? one two"
    )


GIFT = (
    "::Bold::Which is a **sector of the Performance Standard**?{"
    "=**Semi-fabrication**#Right: *semi-fabrication*. ~Casthouse}"
)


@pytest.fixture
def gift_quiz(db):
    result = questions_import(
        bank_name="Markdown bank", questions=formats.parse("gift", GIFT.encode())
    )
    question = Question.objects.get(category__bank=result.bank)
    quiz = QuizFactory(review_level=ReviewLevel.FULL)
    QuizSlot.objects.create(quiz=quiz, question=question, sort_order=0)
    return quiz


def test_attempt_and_result_pages_render_markdown_of_a_gift_question(
    gift_quiz, member, member_client
):
    attempt = services.attempt_start(user=member, quiz=gift_quiz)

    page = member_client.get(reverse("quiz:attempt", args=[attempt.pk])).content.decode()
    assert "<strong>sector of the Performance Standard</strong>" in page
    assert "<strong>Semi-fabrication</strong>" in page
    assert "**" not in page

    services.attempt_save_answer(attempt=attempt, position=0, answer={"choice": 0}, version=0)
    services.attempt_submit(attempt=attempt)
    result = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert "<strong>sector of the Performance Standard</strong>" in result
    assert "<em>semi-fabrication</em>" in result
    assert "**" not in result


def test_the_import_preview_shows_the_text_without_markers(staff_client):
    upload = SimpleUploadedFile("bank.gift", GIFT.encode(), content_type="text/plain")
    preview = staff_client.post(
        reverse("quiz_admin:import"), {"file": upload, "format": "gift", "bank": "Preview bank"}
    )
    content = preview.content.decode()
    assert "<strong>sector of the Performance Standard</strong>" in content
    assert "<strong>Semi-fabrication</strong> (100 %)" in content
    assert "**" not in content


def test_the_admin_preview_of_a_question_shows_it_as_learners_see_it(rf, staff_user):
    from tests.quiz.factories import add_answers

    question = QuestionFactory(text="Pick **one** <b>x</b>", text_format="markdown")
    add_answers(question, ("**Bauxite**", 1, "Right: *bauxite*."), ("Copper", 0))
    request = rf.get("/")
    request.user = staff_user

    response = question.serve_preview(request, "")
    html = response.render().content.decode()

    assert "Pick <strong>one</strong> &lt;b&gt;x&lt;/b&gt;" in html
    assert "<strong>Bauxite</strong>" in html and "Right: <em>bauxite</em>." in html
    assert "**" not in html


def test_the_question_editor_offers_the_preview(staff_client):
    question = QuestionFactory(text="Pick **one**", text_format="markdown")

    edit = staff_client.get(reverse("wagtailsnippets_quiz_question:edit", args=[question.pk]))

    assert edit.status_code == 200
    assert reverse("wagtailsnippets_quiz_question:preview_on_edit", args=[question.pk]) in (
        edit.content.decode()
    )
