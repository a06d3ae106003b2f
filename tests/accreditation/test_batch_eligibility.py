"""The batched eligibility engine gives check_eligibility's answers, in a fixed number of
queries whatever the number of auditors and questions."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accreditation import models
from accreditation.selectors import check_eligibility
from accreditation.selectors.batch_eligibility import check_eligibility_many
from courses.models import CourseCompletion, Submission, SubmissionStatus
from courses.quiz.models import Attempt, AttemptStatus
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    AuditorFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
    sector_for,
)
from tests.courses.factories import AssignmentFactory, CourseFactory, EnrollmentFactory
from tests.factories import UserFactory
from tests.quiz.factories import QuizFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
DATES = [D(2022, 12, 1), D(2023, 6, 1), TODAY - datetime.timedelta(days=400), TODAY]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _completed(user, course, day):
    enrollment = EnrollmentFactory(user=user, course=course)
    CourseCompletion.objects.create(
        user=user, course=course, enrollment=enrollment, completed_on=day
    )


def _attempt(user, quiz, day, percent):
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        status=AttemptStatus.FINISHED,
        started_at=_at(day),
        finalised_at=_at(day),
        pass_mark=quiz.pass_mark,
        percent=Decimal(percent),
        passed=Decimal(percent) >= quiz.pass_mark,
    )


def _accepted(user, assignment, day):
    Submission.objects.create(
        user=user,
        assignment=assignment,
        status=SubmissionStatus.ACCEPTED,
        reviewed_at=_at(day),
        text="Done",
    )


@pytest.fixture
def world():
    """A small varied world: every kind of requirement (one with a recency window, one for
    one sector, a transition one after its deadline), auditors who met all, some, none or
    met them too long ago, a suspended element, a lapsed firm, two firms for one auditor,
    an imported accreditation, a person without a profile and one without accreditation."""
    old = StandardVersionFactory(standard__code="PS", version="V2", effective_from=D(2014, 1, 1))
    old.effective_until = D(2022, 4, 30)
    old.save()
    new = StandardVersionFactory(standard__code="PS")  # V3 from 2022-05-01
    new.transition_deadline = D(2023, 4, 30)
    new.save()
    coc = StandardVersionFactory(standard__code="CoC")
    course, refresher = CourseFactory(), CourseFactory()
    quiz, exam, assignment = (
        QuizFactory(),
        QuizFactory(pass_mark=Decimal("70")),
        AssignmentFactory(),
    )
    for version in (old, new):
        programme = ProgrammeFactory(standard_version=version)
        RequirementFactory(
            programme=programme,
            kind="course",
            course=course,
            refresher_course=refresher,
            recency_months=24,
        )
        RequirementFactory(programme=programme, kind="quiz", quiz=quiz, min_percent=Decimal(80))
        RequirementFactory(programme=programme, kind="exam", quiz=exam)
        RequirementFactory(programme=programme, kind="assignment", assignment=assignment)
        RequirementFactory(programme=programme, sector=sector_for("PS", "bauxite-mining"))
    RequirementFactory(
        programme=new.programme, kind="course", course=CourseFactory(), is_transition=True
    )
    firm, lapsed = FirmFactory(), FirmFactory(period=(D(2020, 1, 1), D(2023, 12, 31)))
    scope = [("casthouse", "DE"), ("bauxite-mining", "GN")]

    def auditor(**kwargs):
        return AuditorFactory(**kwargs)

    everything = auditor()
    AccreditationFactory(auditor=everything, firm=firm, standard_version=new, scope=scope)
    AccreditationFactory(auditor=everything, firm=lapsed, standard_version=coc, scope=scope)
    AccreditationFactory(auditor=everything, firm=firm, standard_version=coc, scope=scope[:1])
    user = everything.user
    _completed(user, course, D(2022, 1, 10))
    _completed(user, refresher, TODAY - datetime.timedelta(days=30))
    _attempt(user, quiz, D(2022, 2, 1), "75")
    _attempt(user, quiz, D(2022, 3, 1), "85")
    _attempt(user, exam, D(2022, 3, 2), "70")
    _accepted(user, assignment, D(2022, 3, 3))
    application = ApplicationFactory(auditor=everything, firm=firm, standard_version=new)
    for requirement in new.programme.requirements.filter(kind="evidence"):
        models.Evidence.objects.create(
            application=application,
            requirement=requirement,
            description="Certificate",
            status=models.Evidence.Status.ACCEPTED,
            reviewed_at=_at(D(2022, 4, 1)),
        )

    stale = auditor()  # met everything once, long ago
    AccreditationFactory(
        auditor=stale, firm=firm, standard_version=old, scope=scope, valid_from=D(2020, 1, 1)
    )
    _completed(stale.user, course, D(2020, 6, 1))
    _attempt(stale.user, quiz, D(2020, 6, 2), "79")  # under the requirement's 80 %
    _attempt(stale.user, exam, D(2020, 6, 3), "90")

    nothing = auditor()
    suspended = AccreditationFactory(
        auditor=nothing, firm=lapsed, standard_version=new, scope=scope
    )
    models.ScopeStatusChange.objects.create(
        element=suspended.scope.first(),
        status=models.ScopeStatus.SUSPENDED,
        effective_from=D(2023, 1, 1),
    )
    imported = auditor()
    AccreditationFactory(
        auditor=imported,
        firm=FirmFactory(period=False),
        standard_version=new,
        source=models.Accreditation.Source.IMPORTED,
        scope=scope,
    )
    users = [
        everything.user,
        stale.user,
        nothing.user,
        imported.user,
        auditor().user,  # no accreditation
        UserFactory(),  # no auditor profile
    ]
    questions = [
        (person, standard, sector, country)
        for person in users
        for standard, sector, country in [
            ("PS", "casthouse", "DE"),
            ("PS", "bauxite-mining", "GN"),
            ("PS", "casthouse", "CN"),  # not in scope
            ("ps", "casthouse", "de"),
            ("CoC", "casthouse", "DE"),
            ("CoC", "bauxite-mining", "GN"),
            ("PS", "no-such-sector", "DE"),
            ("XX", "casthouse", "DE"),
        ]
    ]
    return questions


def _summary(answer):
    return (
        answer.eligible,
        answer.reasons,
        answer.standard and answer.standard.pk,
        answer.sector and answer.sector.pk,
        answer.country,
        answer.accreditation and answer.accreditation.pk,
        answer.firm and answer.firm.pk,
        answer.element and answer.element.pk,
    )


def test_batched_answers_equal_check_eligibility(world):
    for on in DATES:
        one_by_one = [_summary(check_eligibility(*question, on=on)) for question in world]

        batched = [_summary(answer) for answer in check_eligibility_many(world, on=on)]

        assert batched == one_by_one, on
    assert any(eligible for eligible, *_rest in batched)  # the world holds both answers
    assert not all(eligible for eligible, *_rest in batched)


def test_batched_engine_makes_a_fixed_number_of_queries(world):
    def queries(questions) -> int:
        with CaptureQueriesContext(connection) as captured:
            check_eligibility_many(questions, on=TODAY)
        return len(captured)

    few = queries(world[:8])  # one person
    assert queries(world) == few  # six people, three of them with accreditations
    assert few <= 20
