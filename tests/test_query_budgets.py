"""Query budgets: the pages people use most make the same number of queries whatever the
amount of data behind them, so an N+1 fails here rather than in production."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accreditation import models as acc
from lms import roles
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    AuditorFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
)
from tests.courses.factories import AssignmentFactory, CourseFactory
from tests.factories import UserFactory
from tests.quiz.factories import QuizFactory

pytestmark = pytest.mark.django_db


def captured_queries(client, url: str) -> list[str]:
    """The SQL of one GET of ``url`` (the cache table's own queries left out)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in captured.captured_queries if "lms_cache" not in q["sql"]]


def count_queries(client, url: str) -> int:
    return len(captured_queries(client, url))


def _repeated(queries: list[str]) -> str:
    """The query shapes made more than once, most repeated first: where the N+1 is."""
    shapes = Counter(re.sub(r"\d+", "N", sql)[:200] for sql in queries)
    return "\n".join(f"{n} x {shape}" for shape, n in shapes.most_common() if n > 1)


def assert_query_budget(
    client, url: str, grow: Callable[[int], None], *, sizes=(2, 6), most: int
) -> int:
    """``grow(n)`` brings the data behind ``url`` to ``n`` rows; the page must make the same
    number of queries at every size, and at most ``most``. Returns that number."""
    counts = []
    for size in sizes:
        grow(size)
        client.get(url)  # warm per-process caches (site root, content types) like a server
        queries = captured_queries(client, url)
        counts.append(len(queries))
    assert counts[0] == counts[-1], (
        f"{url}: {counts} queries at sizes {sizes}; repeated:\n{_repeated(queries)}"
    )
    assert counts[0] <= most, f"{url}: {counts[0]} queries, budget {most}"
    return counts[0]


def _staff_client():
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import TEST_TOTP_SECRET, login_with_mfa
    from tests.factories import SecretariatFactory

    person = SecretariatFactory()
    TOTP.activate(person, TEST_TOTP_SECRET)
    return login_with_mfa(Client(), person), person


def _grower(make: Callable[[int], None]) -> Callable[[int], None]:
    """``grow(n)``: calls ``make(i)`` for the i-th row until there are ``n``."""
    made = [0]

    def grow(n: int) -> None:
        while made[0] < n:
            make(made[0])
            made[0] += 1

    return grow


# --- the firm admin's page ----------------------------------------------------------------


def test_firm_admin_page_makes_the_same_queries_for_2_and_6_auditors(client):
    admin = UserFactory(role=roles.FIRM_ADMIN)
    firm = FirmFactory(name="Admin Firm")
    firm.admins.add(admin)
    version = StandardVersionFactory(standard__code="PS")
    programme = ProgrammeFactory(standard_version=version)
    RequirementFactory(
        programme=programme, kind="course", course=CourseFactory(), recency_months=24
    )
    RequirementFactory(programme=programme, kind="quiz", quiz=QuizFactory(), min_percent=80)
    RequirementFactory(programme=programme, kind="assignment", assignment=AssignmentFactory())
    RequirementFactory(programme=programme)  # evidence

    def make(i):
        auditor = AuditorFactory()
        AccreditationFactory(
            auditor=auditor,
            firm=firm,
            standard_version=version,
            scope=[("casthouse", "CN"), ("casthouse", "DE")],
            valid_until=timezone.localdate() + datetime.timedelta(days=30 + i),
        )
        ApplicationFactory(
            auditor=auditor,
            firm=firm,
            standard_version=version,
            status=acc.Application.Status.IN_TRAINING,
        )

    client.force_login(admin)
    assert_query_budget(client, "/accreditation/firm/", _grower(make), most=45)


# --- the learner's pages --------------------------------------------------------------------


def _enrolled_course(user, i: int):
    from tests.courses.factories import EnrollmentFactory, LessonFactory, ModuleFactory

    course = CourseFactory(title=f"Course {i}")
    module = ModuleFactory(course=course)
    LessonFactory(module=module)
    LessonFactory(module=module)
    return EnrollmentFactory(user=user, course=course)


def test_dashboard_makes_the_same_queries_for_2_and_6_enrolments(client):
    from courses import services as course_services

    learner = UserFactory()

    def make(i):
        enrollment = _enrolled_course(learner, i)
        if i % 2:  # half of them with a lesson done
            lesson = enrollment.course.modules.first().lessons.first()
            course_services.lesson_mark_done(enrollment=enrollment, lesson=lesson)
        quiz = QuizFactory()
        _finished_attempt(learner, quiz, "60")

    client.force_login(learner)
    assert_query_budget(client, "/dashboard/", _grower(make), most=60)


def _finished_attempt(user, quiz, percent: str):
    from courses.quiz.models import Attempt, AttemptStatus

    now = timezone.now()
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=Attempt.objects.filter(user=user, quiz=quiz).count() + 1,
        status=AttemptStatus.FINISHED,
        started_at=now,
        finalised_at=now,
        pass_mark=quiz.pass_mark,
        percent=Decimal(percent),
        passed=Decimal(percent) >= quiz.pass_mark,
    )


def test_learning_module_page_makes_the_same_queries_for_2_and_6_knowledge_checks(client):
    from cms.models import HomePage, LearningModuleIndexPage, LearningModulePage
    from tests.cms.factories import add_page, make_module
    from tests.factories import MemberFactory

    index = add_page(
        HomePage.objects.get(), LearningModuleIndexPage(title="Learning", slug="learning")
    )
    module = make_module(index, knowledge_check_pass_required=True)
    learner = MemberFactory()

    def make(i):
        page = LearningModulePage.objects.get(pk=module.pk)
        quiz = QuizFactory(title=f"Check {i}")
        if i % 2:
            _finished_attempt(learner, quiz, "90")
        page.body.append(("knowledge_check", {"quiz": quiz, "intro": ""}))
        page.topics.add(f"Topic {i}")
        page.save_revision().publish()

    client.force_login(learner)
    assert_query_budget(client, module.url, _grower(make), most=45)


def _quiz_of(n: int, **kwargs):
    from tests.quiz.factories import QuestionCategoryFactory, quiz_with, single_choice

    category = QuestionCategoryFactory(is_exam_pool=bool(kwargs.get("is_exam")))
    return quiz_with(*[single_choice(category=category) for _ in range(n)], **kwargs)


def test_exam_question_page_makes_the_same_queries_for_2_and_6_questions(client):
    from courses.quiz import services as quiz_services

    learner = UserFactory()
    client.force_login(learner)
    state = {}

    def grow(n):  # a new exam of n questions on one page, and an attempt of it started
        quiz = _quiz_of(n, is_exam=True, questions_per_page=0, time_limit_minutes=60)
        state["attempt"] = quiz_services.attempt_start(user=learner, quiz=quiz)

    counts = []
    for n in (2, 6):
        grow(n)
        url = f"/quizzes/attempt/{state['attempt'].pk}/"
        client.get(url)
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts


def test_starting_an_attempt_makes_the_same_queries_for_2_and_6_questions(client):
    learner = UserFactory()
    client.force_login(learner)
    counts = []
    for n in (2, 6):
        quiz = _quiz_of(n, is_exam=True, time_limit_minutes=60)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/quizzes/{quiz.slug}/start/")
        assert response.status_code == 302, response.status_code
        queries = [q["sql"] for q in captured.captured_queries if "lms_cache" not in q["sql"]]
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts}; repeated:\n{_repeated(queries)}"
    assert counts[0] <= 60, counts


# --- the organisation manager's page ---------------------------------------------------------


def test_organisation_learning_page_makes_the_same_queries_for_2_and_6_colleagues(client):
    from tests.factories import ManagerFactory, MemberFactory

    manager = ManagerFactory()
    organisation = manager.organisation

    def make(i):
        colleague = MemberFactory(organisation=organisation)
        _enrolled_course(colleague, i)
        _finished_attempt(colleague, QuizFactory(), "75")

    client.force_login(manager)
    assert_query_budget(client, "/organisation/learning/", _grower(make), most=30)
    assert_query_budget(client, "/organisation/", _grower(lambda i: None), most=30)


# --- staff reports ----------------------------------------------------------------------------


def _essay_waiting(i: int) -> None:
    from courses.quiz import services as quiz_services
    from tests.quiz.factories import essay, quiz_with

    attempt = quiz_services.attempt_start(user=UserFactory(), quiz=quiz_with(essay()))
    quiz_services.attempt_save_answer(
        attempt=attempt, position=0, answer={"text": f"Essay {i}"}, version=0
    )
    quiz_services.attempt_submit(attempt=attempt)


def _submission_waiting(i: int) -> None:
    from courses.models import Submission, SubmissionStatus

    Submission.objects.create(
        user=UserFactory(),
        assignment=AssignmentFactory(),
        status=SubmissionStatus.SUBMITTED,
        text=f"Plan {i}",
    )


def _suspension(staff) -> Callable[[int], None]:
    from accreditation import services as acc_services

    def make(i):
        acc_services.accreditation_suspend(
            accreditation=AccreditationFactory(), actor=staff, reason=f"Complaint {i}"
        )

    return make


def _lapsing_organisation(i: int) -> None:
    from tests.factories import MemberFactory, OrganisationFactory

    today = timezone.localdate()
    organisation = OrganisationFactory(
        membership_active_from=today - datetime.timedelta(days=300),
        membership_active_until=today + datetime.timedelta(days=10 + i),
    )
    MemberFactory(organisation=organisation)


def _quiz_with_attempts(i: int) -> None:
    quiz = _quiz_of(2, title=f"Statistics {i}")
    _finished_attempt(UserFactory(), quiz, "50")


def _pending_affiliation(i: int) -> None:
    from tests.accreditation.factories import AffiliationFactory

    AffiliationFactory(status=acc.Affiliation.Status.PENDING)


def _application(i: int) -> None:
    ApplicationFactory(status=acc.Application.Status.SUBMITTED)


def _accreditation(i: int) -> None:
    AccreditationFactory(scope=[("casthouse", "DE"), ("casthouse", "CN")])


STAFF_REPORTS = {
    "quiz essay marking queue": ("/admin/quiz-engine/marking/", _essay_waiting),
    "assignment marking queue": ("/admin/courses/marking/", _submission_waiting),
    "quiz statistics": ("/admin/quiz-engine/statistics/", _quiz_with_attempts),
    "lapsing memberships": ("/admin/members/organisations/lapsing/", _lapsing_organisation),
    "affiliation requests": ("/admin/accreditation/affiliations/", _pending_affiliation),
    "applications": ("/admin/accreditation/applications/", _application),
    "accreditations": ("/admin/accreditation/accreditations/", _accreditation),
    "admin dashboard (work queues)": ("/admin/", _submission_waiting),
}


@pytest.mark.parametrize("report", sorted(STAFF_REPORTS))
def test_staff_report_makes_the_same_queries_for_2_and_6_rows(report):
    url, make = STAFF_REPORTS[report]
    client, _staff = _staff_client()
    assert_query_budget(client, url, _grower(make), most=80)


def test_decisions_log_makes_the_same_queries_for_2_and_6_decisions():
    client, staff = _staff_client()
    assert_query_budget(
        client, "/admin/accreditation/decisions/", _grower(_suspension(staff)), most=80
    )


def test_quiz_statistics_of_one_quiz_make_the_same_queries_for_2_and_6_attempts():
    client, _staff = _staff_client()
    quiz = _quiz_of(3)
    assert_query_budget(
        client,
        f"/admin/quiz-engine/statistics/{quiz.pk}/",
        _grower(lambda i: _finished_attempt(UserFactory(), quiz, "50")),
        most=80,
    )


def test_organisation_people_page_makes_the_same_queries_for_2_and_6_people():
    from tests.factories import MemberFactory, OrganisationFactory

    client, _staff = _staff_client()
    organisation = OrganisationFactory()
    assert_query_budget(
        client,
        f"/admin/members/organisations/people/{organisation.pk}/",
        _grower(lambda i: MemberFactory(organisation=organisation)),
        most=80,
    )
