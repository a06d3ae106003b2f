"""A quiz opened from a learning module's knowledge check, a lesson or a course links back
to it on the quiz, attempt, summary and result pages. The origin is a token checked against
the places that really use the quiz (``courses.quiz.origins``): anything else is ignored,
never followed."""

import pytest
from django.test import Client
from django.urls import reverse

from cms.models import ContentPage
from courses.models import LessonKind
from courses.quiz import origins, services
from courses.quiz.models import Attempt
from tests.cms.factories import add_page, make_module
from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
from tests.quiz.factories import quiz_with, single_choice

pytestmark = pytest.mark.django_db


def _knowledge_check(quiz):
    return [{"type": "knowledge_check", "value": {"quiz": quiz.pk, "intro": ""}}]


@pytest.fixture
def home(db):
    from cms.models import HomePage

    return HomePage.objects.get()


def _module_with(home, quiz, title="Chain of Custody in practice"):
    from cms.models import LearningModuleIndexPage

    index = LearningModuleIndexPage.objects.first() or add_page(
        home, LearningModuleIndexPage(title="Learning modules", slug="learning")
    )
    return make_module(index, title=title, body=_knowledge_check(quiz))


def _lesson_with(quiz, *, live=True):
    course = CourseFactory(title="Auditor training", live=live)
    module = ModuleFactory(course=course)
    return LessonFactory(
        module=module, title="Check your CoC knowledge", kind=LessonKind.QUIZ, quiz=quiz
    )


def test_the_whole_journey_from_a_module_links_back_to_it(home, member, member_client):
    quiz = quiz_with(single_choice())
    page = _module_with(home, quiz)
    token = f"page-{page.pk}"
    back = f'href="{page.url}"'

    module_html = member_client.get(page.url).content.decode()
    link = f"{quiz.get_absolute_url()}?from={token}"
    assert f'href="{link}"' in module_html

    detail = member_client.get(link).content.decode()
    assert back in detail and "Back to Chain of Custody in practice" in detail
    assert f'name="from" value="{token}"' in detail

    started = member_client.post(reverse("quiz:start", args=[quiz.slug]), {"from": token})
    attempt = Attempt.objects.get(user=member, quiz=quiz)
    assert started.url == reverse("quiz:attempt", args=[attempt.pk])
    assert attempt.origin == token
    for name in ("quiz:attempt", "quiz:summary"):
        assert back in member_client.get(reverse(name, args=[attempt.pk])).content.decode()

    services.attempt_submit(attempt=attempt)
    result = member_client.get(reverse("quiz:result", args=[attempt.pk])).content.decode()
    assert back in result
    assert f'href="{link}"' in result  # "Back to the quiz" keeps the origin


def test_a_lesson_and_a_course_are_origins_of_their_quiz(member, member_client):
    quiz = quiz_with(single_choice())
    lesson = _lesson_with(quiz)
    course = lesson.module.course

    from_lesson = member_client.get(f"{quiz.get_absolute_url()}?from=lesson-{lesson.pk}")
    from_course = member_client.get(f"{quiz.get_absolute_url()}?from=course-{course.pk}")

    assert f'href="{lesson.get_absolute_url()}"' in from_lesson.content.decode()
    assert "Back to Check your CoC knowledge" in from_lesson.content.decode()
    assert f'href="{course.get_absolute_url()}"' in from_course.content.decode()


def test_the_lesson_page_links_to_its_quiz_with_the_lesson_as_origin(member, member_client):
    from courses import services as course_services

    quiz = quiz_with(single_choice())
    lesson = _lesson_with(quiz)
    course_services.enrollment_self_enrol(user=member, course=lesson.module.course)

    html = member_client.get(lesson.get_absolute_url()).content.decode()

    assert f'href="{quiz.get_absolute_url()}?from=lesson-{lesson.pk}"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "page-",
        "page-0",
        "page-1 ",
        "page-99999999",
        "lesson-abc",
        "x" * 500,
        "page-1%0d%0aLocation:%20https://evil.example",
    ],
)
def test_hostile_origins_are_ignored(hostile, home, member, member_client):
    quiz = quiz_with(single_choice())
    _module_with(home, quiz)

    detail = member_client.get(quiz.get_absolute_url(), {"from": hostile})
    started = member_client.post(reverse("quiz:start", args=[quiz.slug]), {"from": hostile})

    html = detail.content.decode()
    assert detail.status_code == 200 and "quiz-origin" not in html and "evil" not in html
    assert 'name="from"' not in html
    assert started.status_code == 302
    assert Attempt.objects.get(user=member, quiz=quiz).origin == ""


def test_a_place_that_does_not_use_the_quiz_is_not_an_origin(home, member, member_client):
    quiz, other = quiz_with(single_choice()), quiz_with(single_choice())
    page_of_other = _module_with(home, other, title="Other module")
    plain_page = add_page(home, ContentPage(title="About", slug="about-x", body=[]))
    lesson_of_other = _lesson_with(other)
    draft_lesson = _lesson_with(quiz, live=False)

    for token in (
        f"page-{page_of_other.pk}",
        f"page-{plain_page.pk}",
        f"lesson-{lesson_of_other.pk}",
        f"course-{lesson_of_other.module.course.pk}",
        f"lesson-{draft_lesson.pk}",  # a course that is not published
    ):
        assert origins.resolve(quiz=quiz, origin=token) is None, token
        html = member_client.get(quiz.get_absolute_url(), {"from": token}).content.decode()
        assert "quiz-origin" not in html, token


def test_an_origin_stops_showing_once_the_place_no_longer_uses_the_quiz(
    home, member, member_client
):
    quiz = quiz_with(single_choice())
    page = _module_with(home, quiz)
    attempt = services.attempt_start(user=member, quiz=quiz, origin=f"page-{page.pk}")
    services.attempt_submit(attempt=attempt)
    result_url = reverse("quiz:result", args=[attempt.pk])
    assert "quiz-origin" in member_client.get(result_url).content.decode()

    page.unpublish()

    assert "quiz-origin" not in member_client.get(result_url).content.decode()


def test_another_persons_attempt_stays_a_404_whatever_its_origin(home, member):
    quiz = quiz_with(single_choice())
    page = _module_with(home, quiz)
    attempt = services.attempt_start(user=member, quiz=quiz, origin=f"page-{page.pk}")
    stranger = Client()
    from tests.factories import UserFactory

    stranger.force_login(UserFactory())
    for name in ("quiz:attempt", "quiz:summary", "quiz:result"):
        assert stranger.get(reverse(name, args=[attempt.pk])).status_code == 404
