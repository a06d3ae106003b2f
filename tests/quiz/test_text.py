"""Question text from imported files is rendered safely in its format."""

from courses.quiz.text import render_text


def test_html_question_text_keeps_formatting_and_drops_scripts_and_handlers():
    html = render_text(
        '<p onclick="x()">Pick <strong>one</strong><script>alert(1)</script>'
        '<a href="javascript:alert(1)">bad</a> <a href="https://asi.example">ok</a></p>',
        "html",
    )
    assert "<strong>one</strong>" in html
    assert "script" not in html and "alert" not in html and "onclick" not in html
    assert 'href="https://asi.example"' in html


def test_markdown_and_plain_text_are_escaped():
    assert render_text("**bold** <b>x</b>", "markdown") == (
        "<p><strong>bold</strong> &lt;b&gt;x&lt;/b&gt;</p>"
    )
    assert "&lt;script&gt;" in render_text("<script>", "plain")
