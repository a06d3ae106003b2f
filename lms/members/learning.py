"""The learning of a member organisation's people, for its managers and the secretariat.

``lms`` sits below the apps that hold learning (courses, cms), so it asks them through one
Wagtail hook:

``organisation_learning_summary``
    ``fn(*, user_ids) -> Iterable[LearningRecord]``: every learning record of the people
    whose ids are given (a list, or a ``values_list("pk", flat=True)`` queryset used as a
    subquery). Each implementation answers for the whole group in a fixed number of
    queries, whatever the number of people, and never writes. Registered in the higher
    app's ``wagtail_hooks.py`` (courses: course enrolments, completions and certificates;
    cms: learning modules started and completed).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

LEARNING_SUMMARY_HOOK = "organisation_learning_summary"


class LearningKind(models.TextChoices):
    MODULE = "module", _("Learning module")
    COURSE = "course", _("Course")


class LearningStatus(models.TextChoices):
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")


@dataclass(frozen=True)
class LearningRecord:
    """One thing one person has learnt or is learning."""

    user_id: int
    kind: str  # a LearningKind
    title: str
    status: str  # a LearningStatus
    started_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    certificate_code: str = ""
    certificate_url: str = ""
    certificate_revoked: bool = False

    @property
    def kind_label(self) -> str:
        return str(LearningKind(self.kind).label) if self.kind in LearningKind else self.kind

    @property
    def status_label(self) -> str:
        return str(LearningStatus(self.status).label) if self.status in LearningStatus else ""

    @property
    def has_valid_certificate(self) -> bool:
        return bool(self.certificate_code) and not self.certificate_revoked


@dataclass
class PersonLearning:
    """A person and everything they have learnt, with the counts a manager reads first."""

    person: object
    records: list[LearningRecord] = field(default_factory=list)

    def _count(self, kind: str, status: str | None = None) -> int:
        return sum(
            1
            for record in self.records
            if record.kind == kind and (status is None or record.status == status)
        )

    @property
    def modules_started(self) -> int:
        """Learning modules begun, finished or not."""
        return self._count(LearningKind.MODULE)

    @property
    def modules_completed(self) -> int:
        return self._count(LearningKind.MODULE, LearningStatus.COMPLETED)

    @property
    def courses_started(self) -> int:
        return self._count(LearningKind.COURSE)

    @property
    def courses_completed(self) -> int:
        return self._count(LearningKind.COURSE, LearningStatus.COMPLETED)

    @property
    def certificates(self) -> int:
        """Certificates of completion still valid (revoked ones are not counted)."""
        return sum(1 for record in self.records if record.has_valid_certificate)


def learning_records(*, user_ids) -> list[LearningRecord]:
    """Every app's learning records of these people (see the module docstring)."""
    records: list[LearningRecord] = []
    for summarise in hooks.get_hooks(LEARNING_SUMMARY_HOOK):
        records.extend(summarise(user_ids=user_ids))
    return records


def learning_of(*, people: Iterable) -> list[PersonLearning]:
    """The learning of each of ``people`` (in their order): one query per app that answers
    the hook, however many people there are."""
    people = list(people)
    by_user = {person.pk: PersonLearning(person=person) for person in people}
    if by_user:
        for record in learning_records(user_ids=list(by_user)):
            if record.user_id in by_user:
                by_user[record.user_id].records.append(record)
    for summary in by_user.values():
        summary.records.sort(
            key=lambda r: (r.kind, r.started_on or datetime.date.min, r.title), reverse=False
        )
    return list(by_user.values())
