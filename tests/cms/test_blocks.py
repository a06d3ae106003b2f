import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cms.blocks import KnowledgeCheckBlock, VideoBlock
from cms.models import ContentPage
from tests.cms.factories import add_page, make_document, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice_quiz(db):
    from courses.quiz.models import Quiz

    return Quiz.objects.create(
        title="Chain of Custody basics", slug="coc-basics", description="Five quick questions."
    )


@pytest.fixture
def exam(db):
    from courses.quiz.models import Quiz

    return Quiz.objects.create(title="CoC auditor exam", slug="coc-exam", is_exam=True)


def test_knowledge_check_shows_the_quiz_card_with_a_start_link(home, practice_quiz):
    body = [{"type": "knowledge_check", "value": {"quiz": practice_quiz.pk, "intro": ""}}]
    page = add_page(home, ContentPage(title="Module", slug="module", body=body))

    html = Client().get(page.url).content.decode()

    assert "Check your knowledge: Chain of Custody basics" in html
    assert "Five quick questions." in html
    # the link names the page, so the quiz pages link back to it
    assert f'href="{practice_quiz.get_absolute_url()}?from=page-{page.pk}"' in html


def test_an_exam_cannot_be_chosen_as_a_knowledge_check(exam, practice_quiz):
    block = KnowledgeCheckBlock()

    with pytest.raises(ValidationError):
        block.clean({"quiz": exam, "intro": ""})
    assert exam not in block.child_blocks["quiz"].field.queryset
    assert practice_quiz in block.child_blocks["quiz"].field.queryset


def test_a_knowledge_check_whose_quiz_became_an_exam_renders_nothing(home, practice_quiz):
    body = [{"type": "knowledge_check", "value": {"quiz": practice_quiz.pk, "intro": ""}}]
    page = add_page(home, ContentPage(title="Module", slug="module", body=body))
    practice_quiz.is_exam = True
    practice_quiz.save()

    html = Client().get(page.url).content.decode()

    assert "Check your knowledge" not in html


def test_uploaded_video_plays_in_the_page_with_captions_and_transcript(home):
    video = make_document("Clip", "clip.webm", b"webm")
    captions = make_document("Clip captions", "clip.vtt", b"WEBVTT\n")
    body = [
        {
            "type": "video",
            "value": {
                "title": "Overview",
                "video": video.pk,
                "captions": captions.pk,
                "external_url": "",
                "transcript": "Hello and welcome.",
            },
        }
    ]
    page = add_page(home, ContentPage(title="Watch", slug="watch", body=body))

    html = Client().get(page.url).content.decode()

    assert f'<source src="{video.url}" type="video/webm">' in html
    assert f'<track kind="captions" src="{captions.url}"' in html
    assert "Hello and welcome." in html


def test_external_video_is_a_link_and_never_an_embed(home):
    body = [
        {
            "type": "video",
            "value": {
                "title": "Keynote",
                "video": None,
                "captions": None,
                "external_url": "https://video.example.org/keynote",
                "transcript": "",
            },
        }
    ]
    page = add_page(home, ContentPage(title="Watch", slug="watch", body=body))

    html = Client().get(page.url).content.decode()

    assert '<a class="button button-secondary" href="https://video.example.org/keynote"' in html
    assert "<iframe" not in html and "<video" not in html


def test_video_block_needs_a_file_or_a_link():
    with pytest.raises(ValidationError):
        VideoBlock().clean(
            {"title": "x", "video": None, "captions": None, "external_url": "", "transcript": ""}
        )


def test_image_block_uses_the_images_alt_text(home):
    image = make_image("Smelter", "Potline of an aluminium smelter at night")
    body = [{"type": "image", "value": {"image": image.pk, "caption": "A potline"}}]
    page = add_page(home, ContentPage(title="Pictures", slug="pictures", body=body))

    html = Client().get(page.url).content.decode()

    assert 'alt="Potline of an aluminium smelter at night"' in html
