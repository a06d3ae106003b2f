"""The eligibility engine, for today and for past dates."""

import datetime

import pytest

from accreditation import services
from accreditation.models import (
    Accreditation,
    FirmScopeElement,
    Requirement,
    ScopeStatus,
    ScopeStatusChange,
)
from accreditation.selectors import add_months, check_eligibility, months_between
from tests.accreditation.factories import (
    AccreditationFactory,
    FirmFactory,
    ProgrammeFactory,
    RequirementFactory,
    StandardVersionFactory,
    sector_for,
)
from tests.factories import SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def staff(db):
    return SecretariatFactory()


def _coc_guinea(**kwargs):
    version = StandardVersionFactory(standard__code="CoC")
    return AccreditationFactory(
        standard_version=version,
        scope=[("casthouse", "GN"), ("casthouse", "DE")],
        valid_from=D(2024, 1, 1),
        valid_until=D(2026, 12, 31),
        **kwargs,
    )


def test_active_accreditation_makes_auditor_eligible_within_scope_and_dates():
    accreditation = _coc_guinea()
    answer = check_eligibility(accreditation.auditor.user, "CoC", "casthouse", "GN", D(2024, 5, 1))
    assert answer.eligible, answer.reasons
    assert answer.reasons == []
    assert answer.accreditation == accreditation
    assert answer.firm == accreditation.firm
    assert bool(answer) is True


def test_accepts_model_instances_as_well_as_codes():
    accreditation = _coc_guinea()
    sector = sector_for("CoC", "casthouse")
    answer = check_eligibility(
        accreditation.auditor.user, sector.standard, sector, "gn", D(2024, 5, 1)
    )
    assert answer.eligible


def test_not_eligible_outside_scope_or_dates_with_plain_reasons():
    accreditation = _coc_guinea()
    user = accreditation.auditor.user
    other_country = check_eligibility(user, "CoC", "casthouse", "FR", D(2024, 5, 1))
    assert not other_country.eligible
    assert other_country.reasons == ["Casthouse in France is not in the scope of the accreditation"]
    before = check_eligibility(user, "CoC", "casthouse", "GN", D(2023, 12, 31))
    assert before.reasons == ["the accreditation for Casthouse in Guinea starts on Jan. 1, 2024"]
    after = check_eligibility(user, "CoC", "casthouse", "GN", D(2027, 1, 1))
    assert after.reasons == ["the accreditation for Casthouse in Guinea expired on Dec. 31, 2026"]
    other_standard = check_eligibility(user, "PS", "casthouse", "GN", D(2024, 5, 1))
    assert other_standard.reasons == ["no accreditation for the Performance Standard"]


def test_person_without_profile_and_unknown_sector_are_answered_in_words():
    answer = check_eligibility(UserFactory(), "PS", "casthouse", "DE")
    assert answer.reasons == ["the person has no auditor profile"]
    answer = check_eligibility(UserFactory(), "PS", "post-casthouse", "DE")
    assert answer.reasons == ["“post-casthouse” is not a sector of the Performance Standard"]


def test_suspension_answers_differ_before_and_after_the_suspension_date(staff):
    accreditation = _coc_guinea()
    user = accreditation.auditor.user
    services.accreditation_suspend(
        accreditation=accreditation, actor=staff, reason="Complaint", effective=D(2024, 6, 1)
    )
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 5, 1)).eligible
    later = check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 7, 1))
    assert later.reasons == [
        "the accreditation for Casthouse in Guinea was suspended on June 1, 2024"
    ]
    services.accreditation_reinstate(
        accreditation=accreditation, actor=staff, reason="Resolved", effective=D(2024, 9, 1)
    )
    assert not check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 8, 31)).eligible
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 9, 1)).eligible
    # the past is unchanged by the reinstatement
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 5, 1)).eligible


def test_reducing_scope_removes_one_element_and_keeps_the_rest(staff):
    accreditation = _coc_guinea()
    user = accreditation.auditor.user
    guinea = accreditation.scope.get(country="GN")
    services.accreditation_reduce_scope(
        accreditation=accreditation,
        elements=[guinea],
        actor=staff,
        reason="No audits in Guinea",
        effective=D(2025, 1, 1),
    )
    reduced = check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 2, 1))
    assert reduced.reasons == [
        "Casthouse in Guinea was removed from the accreditation's scope on Jan. 1, 2025"
    ]
    assert check_eligibility(user, "CoC", "casthouse", "DE", D(2025, 2, 1)).eligible
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 12, 31)).eligible


def test_withdrawal_is_final_and_dated(staff):
    accreditation = _coc_guinea()
    services.accreditation_withdraw(
        accreditation=accreditation, actor=staff, reason="Fraud", effective=D(2025, 3, 1)
    )
    answer = check_eligibility(accreditation.auditor.user, "CoC", "casthouse", "DE", D(2025, 3, 1))
    assert answer.reasons == [
        "the accreditation for Casthouse in Germany was withdrawn on March 1, 2025"
    ]


def test_firm_lapse_removes_eligibility_through_that_firm():
    firm = FirmFactory(period=(D(2024, 4, 1), D(2025, 3, 31)))
    accreditation = _coc_guinea(firm=firm)
    user = accreditation.auditor.user
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 3, 31)).eligible
    answer = check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 4, 1))
    assert answer.reasons == ["the firm's accreditation expired on March 31, 2025"]
    early = check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 2, 1))
    assert early.reasons == ["the firm's accreditation starts on April 1, 2024"]


def test_firm_suspension_removes_eligibility_only_from_its_date(staff):
    accreditation = _coc_guinea()
    services.firm_accreditation_suspend(
        firm=accreditation.firm, actor=staff, reason="Body lost ISO 17065", effective=D(2024, 8, 1)
    )
    user = accreditation.auditor.user
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 7, 31)).eligible
    answer = check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 8, 1))
    assert answer.reasons == ["the firm's accreditation was suspended on Aug. 1, 2024"]


def test_second_firm_keeps_the_auditor_eligible_when_the_first_lapses():
    lapsed = FirmFactory(name="Lapsed Certification", period=(D(2020, 1, 1), D(2024, 12, 31)))
    first = _coc_guinea(firm=lapsed)
    second = _coc_guinea(firm=FirmFactory(name="Good Certification"), auditor=first.auditor)
    answer = check_eligibility(first.auditor.user, "CoC", "casthouse", "GN", D(2025, 6, 1))
    assert answer.eligible
    assert answer.firm == second.firm


def test_reasons_name_the_firm_when_several_accreditations_fail(staff):
    first = _coc_guinea(
        firm=FirmFactory(name="Alpha Cert", period=(D(2020, 1, 1), D(2024, 12, 31)))
    )
    second = _coc_guinea(firm=FirmFactory(name="Beta Cert"), auditor=first.auditor)
    services.accreditation_suspend(
        accreditation=second, actor=staff, reason="x", effective=D(2025, 1, 15)
    )
    answer = check_eligibility(first.auditor.user, "CoC", "casthouse", "GN", D(2025, 6, 1))
    assert not answer.eligible
    assert "through Alpha Cert: the firm's accreditation expired on Dec. 31, 2024" in answer.reasons
    assert (
        "through Beta Cert: the accreditation for Casthouse in Guinea was suspended on "
        "Jan. 15, 2025" in answer.reasons
    )


def test_firm_scope_when_recorded_must_cover_the_element():
    accreditation = _coc_guinea()
    FirmScopeElement.objects.create(
        firm=accreditation.firm,
        sector=sector_for("CoC", "casthouse"),
        country="DE",
        valid_from=D(2020, 1, 1),
    )
    user = accreditation.auditor.user
    assert check_eligibility(user, "CoC", "casthouse", "DE", D(2024, 5, 1)).eligible
    answer = check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 5, 1))
    assert answer.reasons == ["the firm's own scope does not cover Casthouse in Guinea"]


def test_auditor_who_left_the_firm_is_not_eligible_through_it():
    accreditation = _coc_guinea()
    affiliation = accreditation.auditor.affiliations.get(firm=accreditation.firm)
    affiliation.until = D(2024, 12, 31)
    affiliation.save()
    answer = check_eligibility(accreditation.auditor.user, "CoC", "casthouse", "GN", D(2025, 1, 5))
    assert answer.reasons == [f"the auditor left {accreditation.firm.name} on Dec. 31, 2024"]


# --- requirements, recency, sector-specific modules and transition training -----------


def test_training_recency_window_gives_its_age_in_months(training, course):
    accreditation = _coc_guinea()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=accreditation.standard_version),
        kind=Requirement.Kind.COURSE_COMPLETED,
        title="Refresher training",
        course=course,
        recency_months=24,
    )
    user = accreditation.auditor.user
    training.completed(user, course, D(2023, 3, 1))
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 3, 1)).eligible
    answer = check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 5, 1))
    assert answer.reasons == ["Refresher training is 26 months old; 24 allowed"]
    # past dates before the training was done: not completed then
    past = check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 2, 1))
    assert past.eligible  # done 2023-03-01, 11 months old
    training_gap = check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 3, 2))
    assert training_gap.reasons == ["Refresher training is more than 24 months old; 24 allowed"]


def test_refresher_course_renews_the_training(training, course, refresher_course):
    accreditation = _coc_guinea()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=accreditation.standard_version),
        kind=Requirement.Kind.COURSE_COMPLETED,
        title="Auditor training",
        course=course,
        refresher_course=refresher_course,
        recency_months=24,
    )
    user = accreditation.auditor.user
    training.completed(user, course, D(2021, 6, 1))
    training.completed(user, refresher_course, D(2024, 8, 1))
    assert not check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 7, 1)).eligible
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 8, 1)).eligible
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2026, 8, 1)).eligible
    assert not check_eligibility(user, "CoC", "casthouse", "GN", D(2026, 8, 2)).eligible


def test_missing_exam_is_a_reason_and_a_pass_before_the_date_counts(training, exam):
    accreditation = _coc_guinea()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=accreditation.standard_version),
        kind=Requirement.Kind.EXAM_PASSED,
        title="CoC exam",
        quiz=exam,
    )
    user = accreditation.auditor.user
    answer = check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 5, 1))
    assert answer.reasons == ["exam “CoC exam” is not passed"]
    training.passed(user, exam, D(2024, 6, 1))
    assert not check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 5, 1)).eligible
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 6, 2)).eligible


def test_sector_specific_requirement_applies_only_to_its_sector(training, course):
    version = StandardVersionFactory(standard__code="CoC")
    accreditation = AccreditationFactory(
        standard_version=version,
        scope=[("casthouse", "GN"), ("bauxite-mining", "GN")],
        valid_from=D(2024, 1, 1),
    )
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=version),
        kind=Requirement.Kind.COURSE_COMPLETED,
        title="Mining module",
        course=course,
        sector=sector_for("CoC", "bauxite-mining"),
    )
    user = accreditation.auditor.user
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 5, 1)).eligible
    answer = check_eligibility(user, "CoC", "bauxite-mining", "GN", D(2024, 5, 1))
    assert answer.reasons == ["course “Mining module” is not completed"]


def test_transition_training_is_needed_only_after_the_deadline(training, course):
    old = StandardVersionFactory(standard__code="CoC", version="V1", effective_from=D(2017, 12, 1))
    new = StandardVersionFactory(standard__code="CoC")  # V2, 2022-05-01
    old.effective_until = D(2022, 4, 30)
    old.save()
    new.transition_deadline = D(2023, 4, 30)
    new.save()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=new),
        kind=Requirement.Kind.COURSE_COMPLETED,
        title="CoC V2 transition",
        course=course,
        is_transition=True,
    )
    accreditation = AccreditationFactory(
        standard_version=old, scope=[("casthouse", "GN")], valid_from=D(2021, 1, 1)
    )
    user = accreditation.auditor.user
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2023, 4, 30)).eligible
    answer = check_eligibility(user, "CoC", "casthouse", "GN", D(2023, 5, 1))
    assert answer.reasons == [
        "transition training “CoC V2 transition” was required by April 30, 2023 and is not done"
    ]
    training.completed(user, course, D(2023, 6, 1))
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2023, 6, 1)).eligible
    # the history still says "not eligible" for May 2023
    assert not check_eligibility(user, "CoC", "casthouse", "GN", D(2023, 5, 15)).eligible


def test_every_unmet_condition_is_listed(training, course, exam):
    firm = FirmFactory(period=(D(2020, 1, 1), D(2024, 12, 31)))
    accreditation = _coc_guinea(firm=firm)
    programme = ProgrammeFactory(standard_version=accreditation.standard_version)
    RequirementFactory(programme=programme, kind="course", title="Core", course=course)
    RequirementFactory(programme=programme, kind="exam", title="Exam", quiz=exam)
    answer = check_eligibility(accreditation.auditor.user, "CoC", "casthouse", "GN", D(2025, 2, 1))
    assert answer.reasons == [
        "the firm's accreditation expired on Dec. 31, 2024",
        "course “Core” is not completed",
        "exam “Exam” is not passed",
    ]


def test_payment_alone_never_makes_anyone_eligible(training, course):
    """Eligibility reads completions and decisions only: an auditor with no accreditation
    stays ineligible whatever they paid, and the engine never asks the payments code."""
    from pathlib import Path

    import accreditation.selectors as package

    # Firms' application and renewal fees are firm onboarding's subject (a firm's fee is
    # never an auditor's eligibility); every other reader of the package stays clear of it.
    fees = {"firm_onboarding.py"}
    modules = sorted(Path(package.__file__).parent.rglob("*.py"))
    assert any(m.parent.name == "eligibility" for m in modules)  # the engine's own package
    for module in modules:
        source = module.read_text().lower().replace("payment is never looked at", "")
        if module.name in fees:
            continue
        assert "payment" not in source, module
        assert "firm_onboarding" not in source, module
    auditor_user = AccreditationFactory().auditor.user
    answer = check_eligibility(auditor_user, "CoC", "casthouse", "DE")
    assert not answer.eligible


# --- imported accreditations -----------------------------------------------------------


def test_imported_accreditation_stands_on_its_own(training, course, staff):
    firm = FirmFactory(period=False)
    accreditation = _coc_guinea(firm=firm, source=Accreditation.Source.IMPORTED)
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=accreditation.standard_version),
        kind="course",
        title="Core",
        course=course,
    )
    user = accreditation.auditor.user
    # no training history, no firm period: eligible within its own dates
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 5, 1)).eligible
    answer = check_eligibility(user, "CoC", "casthouse", "GN", D(2027, 2, 1))
    assert not answer.eligible
    # until staff record otherwise
    services.firm_accreditation_suspend(
        firm=firm, actor=staff, reason="Lapsed", effective=D(2025, 1, 1)
    )
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2024, 12, 31)).eligible
    assert check_eligibility(user, "CoC", "casthouse", "GN", D(2025, 1, 1)).reasons == [
        "the firm's accreditation was suspended on Jan. 1, 2025"
    ]


def test_expiry_row_and_renewal_keep_the_gap_in_history(staff):
    accreditation = AccreditationFactory(valid_from=D(2022, 1, 1), valid_until=D(2024, 12, 31))
    user = accreditation.auditor.user
    assert services.expire_due(on=D(2025, 1, 10)) == 1
    assert services.expire_due(on=D(2025, 1, 11)) == 0
    services.accreditation_renew(
        accreditation=accreditation,
        actor=staff,
        reason="Refresher done",
        valid_until=D(2027, 12, 31),
        on=D(2025, 3, 1),
    )
    assert check_eligibility(user, "PS", "casthouse", "DE", D(2024, 12, 31)).eligible
    gap = check_eligibility(user, "PS", "casthouse", "DE", D(2025, 2, 1))
    assert gap.reasons == ["the accreditation for Casthouse in Germany expired on Dec. 31, 2024"]
    assert check_eligibility(user, "PS", "casthouse", "DE", D(2025, 3, 1)).eligible
    assert check_eligibility(user, "PS", "casthouse", "DE", D(2027, 12, 31)).eligible
    statuses = list(
        ScopeStatusChange.objects.filter(element__accreditation=accreditation).values_list(
            "status", flat=True
        )
    )
    assert statuses == [ScopeStatus.ACTIVE, ScopeStatus.EXPIRED, ScopeStatus.ACTIVE]


def test_month_arithmetic():
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2023, 3, 1), 24) == D(2025, 3, 1)
    assert months_between(D(2023, 3, 1), D(2025, 5, 1)) == 26
    assert months_between(D(2023, 3, 15), D(2025, 5, 14)) == 25


def test_eligibility_query_count_is_bounded(django_assert_max_num_queries, training, course):
    accreditation = _coc_guinea()
    RequirementFactory(
        programme=ProgrammeFactory(standard_version=accreditation.standard_version),
        kind="course",
        title="Core",
        course=course,
    )
    with django_assert_max_num_queries(16):
        check_eligibility(accreditation.auditor.user, "CoC", "casthouse", "GN", D(2024, 5, 1))
