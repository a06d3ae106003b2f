import pytest

from courses.models import LessonKind
from tests.courses.factories import (
    AssignmentFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    make_quiz,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def course(db):
    """A free public course: module 1 with two content lessons, module 2 with a quiz
    lesson, an assignment lesson and an optional content lesson."""
    course = CourseFactory(title="Responsible sourcing", slug="responsible-sourcing")
    first = ModuleFactory(course=course, title="Basics", sort_order=0)
    second = ModuleFactory(course=course, title="Practice", sort_order=1)
    LessonFactory(module=first, title="Welcome", sort_order=0)
    LessonFactory(module=first, title="The standard", sort_order=1)
    LessonFactory(
        module=second, title="Check yourself", kind=LessonKind.QUIZ, quiz=make_quiz(), sort_order=0
    )
    LessonFactory(
        module=second,
        title="Write a plan",
        kind=LessonKind.ASSIGNMENT,
        assignment=AssignmentFactory(title="Sourcing plan"),
        sort_order=1,
    )
    LessonFactory(module=second, title="Further reading", required=False, sort_order=2)
    return course


@pytest.fixture
def lessons(course):
    from courses.selectors import course_lessons

    return course_lessons(course=course)


@pytest.fixture
def quiz_passes(monkeypatch):
    """Fakes the quiz engine's answer: {quiz_id: date passed}."""
    from courses import selectors

    passes: dict = {}
    monkeypatch.setattr(
        selectors, "quiz_passed_on", lambda *, user, quiz: passes.get((user.pk, quiz.pk))
    )
    return passes
