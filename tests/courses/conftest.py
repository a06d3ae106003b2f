import datetime
from decimal import Decimal
from types import SimpleNamespace

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
def _own_media_folders(media_folders):
    """Every courses test keeps uploads and certificates in its own folders."""


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


@pytest.fixture
def quiz_results(monkeypatch):
    """Fakes the quiz engine's results that the dashboard lists: call it with a quiz title,
    a score, whether it passed and whether the review policy shows the score."""
    from courses import selectors

    results: list = []
    monkeypatch.setattr(selectors, "quiz_results_for_user", lambda *, user: results)

    def add(*, title: str, slug: str, percent: str, passed: bool, score_visible: bool = True):
        results.append(
            SimpleNamespace(
                quiz=make_quiz(slug=slug, title=title),
                percent=Decimal(percent),
                passed=passed,
                date=datetime.date(2026, 3, 4),
                score_visible=score_visible,
            )
        )

    return add
