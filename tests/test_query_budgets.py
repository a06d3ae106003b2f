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


def _erasure_request(i: int) -> None:
    from lms.privacy import erasure

    erasure.erasure_request_create(user=UserFactory(), reason=f"I left the profession ({i})")


def _policy_version(i: int) -> None:
    from cms.models import ContentPage, HomePage
    from lms.privacy import services as privacy_services
    from lms.privacy.models import PolicyKind
    from tests.cms.factories import add_page

    page = add_page(
        HomePage.objects.order_by("path").first(),
        ContentPage(slug=f"notice-{i}", title=f"Notice {i}", intro="The text."),
    )
    privacy_services.policy_version_create(
        actor=None,
        kind=PolicyKind.PRIVACY if i % 2 else PolicyKind.TERMS,
        label=f"{i + 1}.0",
        effective_on=timezone.localdate() + datetime.timedelta(days=1 + i),  # none in force
        page=page,
    )


def _firm_application(i: int) -> None:
    today = timezone.localdate()
    acc.FirmApplication.objects.create(
        applicant=UserFactory(),
        legal_name=f"Applying Certification Body {i}",
        country="DE",
        scheme="17065",
        accreditation_body="DAkkS",
        accreditation_number=f"D-ZE-{i}",
        accreditation_scope="Products",
        accreditation_expires_on=today + datetime.timedelta(days=400),
        certificate="accreditation/firm-certificates/certificate.pdf",
        admin_name=f"Admin {i}",
        admin_email=f"admin{i}@firm.example",
        status=acc.FirmApplication.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def _firm_renewal_due(i: int) -> None:
    """A firm whose renewal is due in 10 + i days; its fee ordered (every third) or paid
    (every third)."""
    from courses.payments import services as payment_services
    from courses.payments.models import CatalogueItem, Kind
    from tests.factories import SecretariatFactory
    from tests.payments.factories import CatalogueItemFactory

    today = timezone.localdate()
    admin = UserFactory()
    firm = FirmFactory(
        period=(today - datetime.timedelta(days=300), today + datetime.timedelta(days=10 + i)),
        admins=[admin],
    )
    if i % 3:
        fee = CatalogueItem.objects.filter(kind=Kind.FIRM_RENEWAL).first()
        order = payment_services.firm_fee_checkout(
            buyer=admin,
            firm=firm,
            item=fee or CatalogueItemFactory(kind=Kind.FIRM_RENEWAL, name="Renewal fee"),
            method="invoice",
        )
        if i % 3 == 2:
            payment_services.order_mark_paid(
                order=order, actor=SecretariatFactory(), reference=f"BANK-{i}"
            )


def _conduct_version(i: int) -> None:
    acc.CodeOfConductVersion.objects.create(
        label=f"2020-{i}",
        title="Code of conduct",
        in_force_from=timezone.localdate() + datetime.timedelta(days=30 * (i - 1)),
    )


def _specialist(i: int) -> None:
    from tests.accreditation.factories import StandardFactory

    today = timezone.localdate()
    specialist = acc.RegisteredSpecialist.objects.create(
        full_name=f"Specialist {i}",
        country="BR",
        expertise=["community-engagement"],
        languages=["pt", "en"],
        listed_from=today - datetime.timedelta(days=10),
        publication_consent_on=today - datetime.timedelta(days=10) if i % 2 else None,
    )
    specialist.standards.set([StandardFactory(code="PS"), StandardFactory(code="CoC")])


def _firm(i: int) -> None:
    """An accredited firm with its own scope; every third one's period has ended, every
    third one is suspended."""
    from accreditation.services.firms import firm_accreditation_suspend
    from tests.accreditation.factories import FirmScopeElementFactory
    from tests.factories import SecretariatFactory

    ended = (datetime.date(2020, 1, 1), datetime.date(2021, 12, 31))
    firm = FirmFactory(admins=[UserFactory()], **({"period": ended} if i % 3 == 1 else {}))
    FirmScopeElementFactory(firm=firm)
    if i % 3 == 2:
        firm_accreditation_suspend(firm=firm, actor=SecretariatFactory(), reason="Complaint")


def _auditor(i: int) -> None:
    AuditorFactory(firm=FirmFactory(), is_lead_auditor=bool(i % 2))


def _standard(i: int) -> None:
    from tests.accreditation.factories import StandardFactory

    StandardFactory(code=f"S{i}")


def _standard_version(i: int) -> None:
    StandardVersionFactory(standard__code=f"S{i}", version=f"V{i}", sectors=["casthouse"])


def _programme(i: int) -> None:
    ProgrammeFactory(standard_version__standard__code=f"S{i}")


def _sector(i: int) -> None:
    from tests.accreditation.factories import sector_for

    sector_for(f"S{i}", f"budget-sector-{i}")


def _order(i: int) -> None:
    from courses.payments import services as payment_services
    from tests.payments.factories import BILLING, CourseItemFactory

    payment_services.order_create(
        buyer=UserFactory(),
        lines=[payment_services.LineRequest(item=CourseItemFactory(price=(10000 + i, None)))],
        method="invoice",
        currency="EUR",
        **BILLING,
    )


def _catalogue_item(i: int) -> None:
    from tests.payments.factories import CourseItemFactory

    CourseItemFactory(price=(10000 + i, None))


def _organisation(i: int) -> None:
    from tests.factories import MemberFactory, OrganisationFactory

    MemberFactory(organisation=OrganisationFactory())


def _course(i: int) -> None:
    course = CourseFactory()
    if i % 2:  # a change scheduled to go live next week
        course.go_live_at = timezone.now() + datetime.timedelta(days=7)
        course.save_revision().publish()


def _lesson(i: int) -> None:
    from tests.courses.factories import LessonFactory

    LessonFactory()


def _course_text(i: int) -> None:
    from courses.translations import refresh_course_text

    refresh_course_text(CourseFactory())


def _assignment(i: int) -> None:
    AssignmentFactory()


def _enrolment(i: int) -> None:
    from tests.courses.factories import EnrollmentFactory

    EnrollmentFactory(user=UserFactory())


def _certificate(i: int) -> None:
    from courses import services as course_services
    from courses.models import CourseCompletion, EnrollmentStatus
    from tests.courses.factories import EnrollmentFactory

    enrollment = EnrollmentFactory(user=UserFactory(), status=EnrollmentStatus.COMPLETED)
    completion = CourseCompletion.objects.create(
        user=enrollment.user,
        course=enrollment.course,
        enrollment=enrollment,
        completed_on=timezone.localdate(),
    )
    course_services.certificate_issue(completion=completion)


def _question_bank(i: int) -> None:
    from tests.quiz.factories import QuestionBankFactory

    QuestionBankFactory()


def _question_category(i: int) -> None:
    from tests.quiz.factories import QuestionCategoryFactory

    QuestionCategoryFactory()


def _question(i: int) -> None:
    from tests.quiz.factories import single_choice

    single_choice()


def _quiz(i: int) -> None:
    _quiz_of(2, is_exam=bool(i % 2))


def _quiz_override(i: int) -> None:
    from courses.quiz.models import QuizOverride

    QuizOverride.objects.create(
        quiz=QuizFactory(), user=UserFactory(), extra_attempts=1, reason=f"Override {i}"
    )


def _exam_sitting(i: int) -> None:
    from courses.quiz.models import ExamSitting

    ExamSitting.objects.create(
        quiz=QuizFactory(is_exam=True, sitting_fee_required=True),
        user=UserFactory(),
        source=f"Order line {i}",
    )


def _attempt(i: int) -> None:
    _finished_attempt(UserFactory(), QuizFactory(), "50")


def _speaker(i: int) -> None:
    from cms.models import Person

    Person.objects.create(name=f"Speaker {i}", role="Auditor", organisation="Certi Audit")


STAFF_REPORTS = {
    "quiz essay marking queue": ("/admin/quiz-engine/marking/", _essay_waiting),
    "assignment marking queue": ("/admin/courses/marking/", _submission_waiting),
    "quiz statistics": ("/admin/quiz-engine/statistics/", _quiz_with_attempts),
    "lapsing memberships": ("/admin/members/organisations/lapsing/", _lapsing_organisation),
    "affiliation requests": ("/admin/accreditation/affiliations/", _pending_affiliation),
    "applications": ("/admin/accreditation/applications/", _application),
    "accreditations": ("/admin/accreditation/accreditations/", _accreditation),
    "admin dashboard (work queues)": ("/admin/", _submission_waiting),
    "erasure requests": ("/admin/privacy/erasure/", _erasure_request),
    "policy versions": ("/admin/privacy_policy_version/", _policy_version),
    "firm applications": ("/admin/accreditation/firm-applications/", _firm_application),
    "firm renewals": ("/admin/accreditation/firm-applications/renewals/", _firm_renewal_due),
    "code of conduct versions": ("/admin/accreditation/code-of-conduct/", _conduct_version),
    "registered specialists": ("/admin/accreditation/specialists/", _specialist),
    "audit firms": ("/admin/accreditation/firms/", _firm),
    "auditors": ("/admin/accreditation/auditors/", _auditor),
    "standards": ("/admin/accreditation/standards/", _standard),
    "standard versions": ("/admin/accreditation/versions/", _standard_version),
    "programmes": ("/admin/accreditation/programmes/", _programme),
    # The seeded sectors fill a page: the search keeps to the test's own.
    "sectors": ("/admin/accreditation/sectors/?q=budget-sector", _sector),
    "orders": ("/admin/payments/orders/", _order),
    "price catalogue": ("/admin/payments/catalogue/", _catalogue_item),
    "organisations": ("/admin/members/organisations/", _organisation),
    "courses": ("/admin/snippets/courses/course/", _course),
    "lessons": ("/admin/snippets/courses/lesson/", _lesson),
    "assignments": ("/admin/snippets/courses/assignment/", _assignment),
    "enrolments": ("/admin/snippets/courses/enrollment/", _enrolment),
    "certificates": ("/admin/snippets/courses/certificate/", _certificate),
    "question banks": ("/admin/snippets/quiz/questionbank/", _question_bank),
    "question categories": ("/admin/snippets/quiz/questioncategory/", _question_category),
    "questions": ("/admin/snippets/quiz/question/", _question),
    "quizzes and exams": ("/admin/snippets/quiz/quiz/", _quiz),
    "per-user overrides": ("/admin/snippets/quiz/quizoverride/", _quiz_override),
    "exam sittings": ("/admin/snippets/quiz/examsitting/", _exam_sitting),
    "attempts": ("/admin/snippets/quiz/attempt/", _attempt),
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


#: wagtail-localize adds "Translate" and "Sync translated snippets" to each row of a
#: translatable snippet's listing (its ``register_snippet_listing_buttons`` hook): two
#: queries a row, outside this project's querysets. The rest of those listings is flat.
LOCALIZE_BUTTON_QUERIES_PER_ROW = 2

TRANSLATABLE_SNIPPETS = {
    "course translations": ("/admin/snippets/courses/coursetext/", _course_text),
    "speakers": ("/admin/snippets/cms/person/", _speaker),
}


@pytest.mark.parametrize("listing", sorted(TRANSLATABLE_SNIPPETS))
def test_translatable_snippet_listing_grows_only_by_wagtail_localize_buttons(listing):
    url, make = TRANSLATABLE_SNIPPETS[listing]
    client, _staff = _staff_client()
    grow = _grower(make)
    counts = []
    for size in (2, 6):
        grow(size)
        client.get(url)
        queries = captured_queries(client, url)
        counts.append(len(queries))
    assert counts[1] - counts[0] == LOCALIZE_BUTTON_QUERIES_PER_ROW * 4, (
        f"{url}: {counts} queries at sizes (2, 6); repeated:\n{_repeated(queries)}"
    )
    assert counts[0] <= 80, counts


def test_personal_data_access_report_makes_the_same_queries_for_2_and_6_rows():
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.contenttypes.models import ContentType

    from courses.quiz.models import Attempt
    from lms.privacy.access_log import DPO_GROUP
    from lms.privacy.models import AccessKind, PersonalDataAccess
    from tests.conftest import TEST_TOTP_SECRET, login_with_mfa

    dpo = UserFactory(role=DPO_GROUP)
    TOTP.activate(dpo, TEST_TOTP_SECRET)
    client = login_with_mfa(Client(), dpo)
    attempt_type = ContentType.objects.get_for_model(Attempt)

    def make(i):
        PersonalDataAccess.objects.create(
            viewer=UserFactory(),
            owner=UserFactory(),
            kind=AccessKind.ATTEMPT,
            content_type=attempt_type,
            object_id=str(i),
            path=f"/admin/snippets/quiz/attempt/inspect/{i}/",
        )

    assert_query_budget(client, "/admin/personal-data-access/", _grower(make), most=80)


def test_code_of_conduct_acceptances_make_the_same_queries_for_2_and_6_auditors():
    from accreditation.services.conduct import conduct_accept

    client, _staff = _staff_client()
    version = acc.CodeOfConductVersion.objects.create(
        label="2026-1", title="Code of conduct", in_force_from=timezone.localdate()
    )

    def make(i):
        auditor = AuditorFactory(firm=FirmFactory())
        if i % 2:
            conduct_accept(auditor=auditor, version=version)

    assert_query_budget(
        client,
        f"/admin/accreditation/code-of-conduct/{version.pk}/acceptances/?status=all",
        _grower(make),
        most=80,
    )


def _standard_version_listed(i: int) -> None:
    """Another version of a standard, which the lists' "standard version" filter offers."""
    from tests.accreditation.factories import StandardFactory, StandardVersionFactory

    StandardVersionFactory(standard=StandardFactory(code=f"V{i}"), version=f"V{i}")


@pytest.mark.parametrize(
    "url", ["/admin/accreditation/applications/", "/admin/accreditation/accreditations/"]
)
def test_the_standard_version_filter_reads_every_version_at_once(url):
    client, _staff = _staff_client()
    assert_query_budget(client, url, _grower(_standard_version_listed), most=80)
