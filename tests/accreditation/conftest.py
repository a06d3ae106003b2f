"""Fixtures for the accreditation tests.

``training`` fakes the courses and quiz apps at their selector boundary: tests record dates
("completed course X on 2023-03-01") and the eligibility engine reads them through the
same functions it calls in production.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest


class FakeTraining:
    def __init__(self):
        self.records: dict[tuple, list[datetime.date]] = defaultdict(list)

    def completed(self, user, course, on: datetime.date):
        self.records[("course", user.pk, course.pk)].append(on)

    def passed(self, user, quiz, on: datetime.date):
        self.records[("quiz", user.pk, quiz.pk)].append(on)

    def accepted(self, user, assignment, on: datetime.date):
        self.records[("assignment", user.pk, assignment.pk)].append(on)

    def _latest(self, key, on):
        dates = [d for d in self.records.get(key, []) if on is None or d <= on]
        return max(dates) if dates else None


@pytest.fixture
def training(monkeypatch) -> FakeTraining:
    fake = FakeTraining()

    def course_completed_on(*, user, course, on=None):
        return fake._latest(("course", user.pk, course.pk), on)

    def assignment_accepted_on(*, user, assignment, on=None):
        return fake._latest(("assignment", user.pk, assignment.pk), on)

    def passed_on(*, user, quiz, min_percent=None, on=None):
        return fake._latest(("quiz", user.pk, quiz.pk), on)

    monkeypatch.setattr("courses.selectors.course_completed_on", course_completed_on)
    monkeypatch.setattr("courses.selectors.assignment_accepted_on", assignment_accepted_on)
    monkeypatch.setattr("courses.quiz.selectors.passed_on", passed_on)
    return fake


@pytest.fixture
def course(db):
    from courses.models import Course

    return Course.objects.create(title="Auditor core training", slug="auditor-core-training")


@pytest.fixture
def refresher_course(db):
    from courses.models import Course

    return Course.objects.create(title="Auditor refresher", slug="auditor-refresher")


@pytest.fixture
def exam(db):
    from courses.quiz.models import Quiz

    return Quiz.objects.create(title="Accreditation exam", slug="accreditation-exam", is_exam=True)
