"""The register's SQL and the eligibility engine agree (property-based).

``accreditation.register.queries.elements_on_register`` is the fast SQL form of the
eligibility engine's accreditation rules; ``check_eligibility`` is the same rules in Python,
per person, with the training requirements. Hypothesis builds random worlds (accreditations
granted or imported, their scope elements with dates and status changes, affiliations with
statuses (pending, confirmed, declined) and dates, firms with periods, suspensions /
withdrawals / reinstatements and their own scope, training requirements met or not, code of
conduct versions coming into force and accepted or not) and, for dates around the generated
ones, compares:

* the set of (auditor, standard, sector, country) the register lists, and
* the set for which ``check_eligibility(...).eligible`` is true,

restricted to what the register claims to cover: auditors who consent to be listed.

Documented difference: the register leaves training requirements out (see the module
docstring of ``accreditation/register/queries.py``), so with requirements the register may
list more than the engine calls eligible, never less; with the requirements removed, the two
sets are equal.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accreditation import models
from accreditation.register.queries import elements_on_register
from accreditation.selectors import check_eligibility
from accreditation.services import run_daily
from accreditation.services.register import refresh_register
from lms.models import User
from tests.accreditation.factories import (
    AccreditationFactory,
    AffiliationFactory,
    AuditorFactory,
    FirmFactory,
    FirmScopeElementFactory,
    ProgrammeFactory,
    StandardVersionFactory,
    sector_for,
)

BASE = datetime.date(2024, 1, 1)
SPAN = 20  # days: small, so that generated dates overlap and boundaries are hit often
SECTORS = ("casthouse", "semi-fabrication")
COUNTRIES = ("DE", "GN")
N_AUDITORS = 2
N_FIRMS = 2

day = st.integers(0, SPAN).map(lambda n: BASE + datetime.timedelta(days=n))


@st.composite
def dated_range(draw, *, open_end: bool = False):
    start = draw(day)
    if open_end and draw(st.booleans()):
        return start, None
    return start, start + datetime.timedelta(days=draw(st.integers(0, SPAN)))


# After the "active" row a grant writes on the element's first day, up to two later changes.
status_changes = st.lists(
    st.tuples(st.sampled_from(models.ScopeStatus.values), day), min_size=0, max_size=2
)

scope_element = st.fixed_dictionaries(
    {
        "sector": st.sampled_from(SECTORS),
        "country": st.sampled_from(COUNTRIES),
        "dates": dated_range(),
        "changes": status_changes,
    }
)

accreditation = st.fixed_dictionaries(
    {
        "auditor": st.integers(0, N_AUDITORS - 1),
        "firm": st.integers(0, N_FIRMS - 1),
        "imported": st.booleans(),
        "scope": st.lists(
            scope_element, min_size=1, max_size=3, unique_by=lambda e: (e["sector"], e["country"])
        ),
    }
)

firm = st.fixed_dictionaries(
    {
        # mostly accredited over the whole span, sometimes for part of it or never
        "periods": st.lists(
            st.one_of(st.just((BASE, BASE + datetime.timedelta(days=SPAN))), dated_range()),
            max_size=2,
        ),
        "status_changes": st.lists(
            st.tuples(st.sampled_from(models.FirmStatusChange.Status.values), day), max_size=1
        ),
        "scope": st.lists(
            st.tuples(
                st.sampled_from(SECTORS), st.sampled_from(COUNTRIES), dated_range(open_end=True)
            ),
            max_size=2,
            unique_by=lambda s: (s[0], s[1], s[2][0]),
        ),
    }
)

# An auditor's affiliations to one firm: none, or up to two rows (status, since, until);
# only confirmed rows covering the date count. At most one row is open (no ``until``), as
# the model's constraint wants: a second open row is left out.
affiliation = st.lists(
    st.tuples(
        st.sampled_from(models.Affiliation.Status.values),
        st.one_of(st.none(), day),
        st.one_of(st.none(), day),
    ),
    max_size=2,
)

requirement = st.fixed_dictionaries(
    {
        "sector": st.one_of(st.none(), st.sampled_from(SECTORS)),
        "recency_months": st.one_of(st.none(), st.integers(1, 3)),
        # days before BASE each auditor completed the course (None: never)
        "completed": st.lists(
            st.one_of(st.none(), st.integers(-120, SPAN)),
            min_size=N_AUDITORS,
            max_size=N_AUDITORS,
        ),
    }
)

# Code of conduct versions (the day each comes into force) and the day each auditor accepted
# each (None: never). Usually none: then nothing is asked.
conduct = st.lists(
    st.tuples(day, st.lists(st.one_of(st.none(), day), min_size=N_AUDITORS, max_size=N_AUDITORS)),
    max_size=2,
    unique_by=lambda version: version[0],
)

world = st.fixed_dictionaries(
    {
        "consent": st.lists(st.booleans(), min_size=N_AUDITORS, max_size=N_AUDITORS),
        "conduct": conduct,
        "firms": st.lists(firm, min_size=N_FIRMS, max_size=N_FIRMS),
        "affiliations": st.lists(
            affiliation, min_size=N_AUDITORS * N_FIRMS, max_size=N_AUDITORS * N_FIRMS
        ),
        "accreditations": st.lists(accreditation, min_size=1, max_size=4),
        "requirements": st.lists(requirement, max_size=2),
        "dates": st.lists(day, min_size=1, max_size=4, unique=True),
    }
)


def _noon(on: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))


def _build(spec: dict, training) -> tuple[list, list]:
    """Creates the world's rows; returns (auditor profiles, requirement rows)."""
    version = StandardVersionFactory(standard__code="PS")
    sectors = {slug: sector_for(version.standard, slug) for slug in SECTORS}
    auditors = [AuditorFactory(listed_consent=consent) for consent in spec["consent"]]
    firms = []
    for firm_spec in spec["firms"]:
        firm_row = FirmFactory(period=False)
        for valid_from, valid_until in firm_spec["periods"]:
            models.FirmAccreditationPeriod.objects.create(
                firm=firm_row, valid_from=valid_from, valid_until=valid_until
            )
        for status, effective_from in firm_spec["status_changes"]:
            models.FirmStatusChange.objects.create(
                firm=firm_row, status=status, effective_from=effective_from
            )
        for slug, country, (valid_from, valid_until) in firm_spec["scope"]:
            models.FirmScopeElement.objects.create(
                firm=firm_row,
                sector=sectors[slug],
                country=country,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        firms.append(firm_row)
    for index, rows in enumerate(spec["affiliations"]):
        has_open = False
        for status, since, until in rows:
            if until is None and has_open:
                continue
            has_open = has_open or until is None
            models.Affiliation.objects.create(
                auditor=auditors[index // N_FIRMS],
                firm=firms[index % N_FIRMS],
                status=status,
                since=since,
                until=until,
            )
    for acc_spec in spec["accreditations"]:
        acc = models.Accreditation.objects.create(
            auditor=auditors[acc_spec["auditor"]],
            firm=firms[acc_spec["firm"]],
            standard_version=version,
            source=(
                models.Accreditation.Source.IMPORTED
                if acc_spec["imported"]
                else models.Accreditation.Source.GRANTED
            ),
            granted_at=datetime.datetime(2023, 12, 1, tzinfo=datetime.UTC),
        )
        for element_spec in acc_spec["scope"]:
            valid_from, valid_until = element_spec["dates"]
            element = models.ScopeElement.objects.create(
                accreditation=acc,
                sector=sectors[element_spec["sector"]],
                country=element_spec["country"],
                valid_from=valid_from,
                valid_until=valid_until,
            )
            models.ScopeStatusChange.objects.create(
                element=element, status=models.ScopeStatus.ACTIVE, effective_from=valid_from
            )
            for status, effective_from in element_spec["changes"]:
                models.ScopeStatusChange.objects.create(
                    element=element, status=status, effective_from=effective_from
                )
    for index, (in_force_from, accepted) in enumerate(spec.get("conduct", [])):
        conduct_version = models.CodeOfConductVersion.objects.create(
            label=f"parity-{index}", title="Code", in_force_from=in_force_from
        )
        for auditor, accepted_on in zip(auditors, accepted, strict=True):
            if accepted_on is not None:
                models.CodeOfConductAcceptance.objects.create(
                    auditor=auditor, version=conduct_version, accepted_at=_noon(accepted_on)
                )
    requirements = []
    if spec["requirements"]:
        from courses.models import Course

        programme = ProgrammeFactory(standard_version=version)
        for index, req_spec in enumerate(spec["requirements"]):
            course = Course.objects.create(
                title=f"Parity course {index}", slug=f"parity-course-{index}"
            )
            requirements.append(
                models.Requirement.objects.create(
                    programme=programme,
                    kind=models.Requirement.Kind.COURSE_COMPLETED,
                    title=f"Parity course {index}",
                    course=course,
                    sector=sectors[req_spec["sector"]] if req_spec["sector"] else None,
                    recency_months=req_spec["recency_months"],
                )
            )
            for auditor, offset in zip(auditors, req_spec["completed"], strict=True):
                if offset is not None:
                    training.completed(auditor.user, course, BASE + datetime.timedelta(offset))
    return auditors, requirements


def _register_set(on: datetime.date) -> set[tuple]:
    rows = (
        elements_on_register(on)
        .filter(accreditation__auditor__listed_consent=True)
        .values_list(
            "accreditation__auditor_id", "sector__standard__code", "sector__slug", "country"
        )
    )
    return set(rows)


def _eligible_set(auditors, on: datetime.date) -> set[tuple]:
    return {
        (auditor.pk, "PS", slug, country)
        for auditor in auditors
        if auditor.listed_consent
        for slug in SECTORS
        for country in COUNTRIES
        if check_eligibility(auditor.user, "PS", slug, country, on=on).eligible
    }


@pytest.mark.django_db
@settings(
    max_examples=50,  # each example now also keeps the read model current (slower)
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=world)
def test_register_lists_exactly_what_check_eligibility_allows_apart_from_training(spec, training):
    with transaction.atomic():
        training.records.clear()
        auditors, requirements = _build(spec, training)
        for on in spec["dates"]:
            listed = _register_set(on)
            # With training requirements the engine may refuse more (documented difference).
            assert _eligible_set(auditors, on) <= listed, on
        for row in requirements:
            row.delete()
        for on in spec["dates"]:
            assert _register_set(on) == _eligible_set(auditors, on), on
        transaction.set_rollback(True)


# --- The register's read model equals the eligibility engine ---------------------------
#
# ``RegisterEntry`` / ``RegisterCoverage`` are what the register pages, CSV and API read for
# today. They must hold exactly the (auditor, standard, sector, country) for which
# ``check_eligibility`` says yes (training requirements aside) for consenting auditors, on
# every date, after the daily run of that date (dates passing change the register with no
# write), and right after each service's own transaction.


def _read_model_set() -> set[tuple]:
    return set(
        models.RegisterCoverage.objects.values_list(
            "entry_id", "standard__code", "sector__slug", "country"
        )
    )


def _engine_set(on: datetime.date) -> set[tuple]:
    """What the engine allows on ``on``, asked for every element any consenting auditor
    holds (anything else it refuses anyway)."""
    asked = set(
        models.ScopeElement.objects.filter(accreditation__auditor__listed_consent=True).values_list(
            "accreditation__auditor_id",
            "accreditation__auditor__user_id",
            "sector__standard__code",
            "sector__slug",
            "country",
        )
    )
    by_id = User.objects.in_bulk({row[1] for row in asked})
    return {
        (auditor_id, standard, sector, country)
        for auditor_id, user_id, standard, sector, country in asked
        if check_eligibility(by_id[user_id], standard, sector, country, on=on).eligible
    }


B = datetime.date(2025, 3, 1)


def _day(n: int) -> datetime.date:
    return B + datetime.timedelta(days=n)


def _status(accreditation, status: str, on: datetime.date, country: str | None = None):
    elements = accreditation.scope.all()
    if country:
        elements = elements.filter(country=country)
    for element in elements:
        models.ScopeStatusChange.objects.create(element=element, status=status, effective_from=on)


def _varied_world() -> dict[str, models.Accreditation]:
    """Auditors whose register status changes over the days around ``B``, each for another
    reason. Returns their accreditations by name."""
    firm = FirmFactory(name="Good Firm")
    suspended_firm = FirmFactory(name="Firm Suspended On Day 3")
    models.FirmStatusChange.objects.create(
        firm=suspended_firm, status="suspended", effective_from=_day(3), reason="Audit failed."
    )
    lapsing_firm = FirmFactory(name="Firm Lapsing", period=(datetime.date(2020, 1, 1), _day(2)))
    scoped_firm = FirmFactory(name="Firm With Own Scope")
    FirmScopeElementFactory(firm=scoped_firm, country="DE", valid_until=_day(4))
    no_period_firm = FirmFactory(name="Firm Without Period", period=False)
    coc = StandardVersionFactory(standard__code="CoC")
    made: dict[str, models.Accreditation] = {}

    def accredited(name, through, scope=(("casthouse", "DE"),), consent=True, **kwargs):
        profile = kwargs.pop("auditor", None) or AuditorFactory(
            user__full_name=name, listed_consent=consent
        )
        made[name] = AccreditationFactory(
            auditor=profile, firm=through, scope=list(scope), **kwargs
        )
        return made[name]

    accredited("Active Ada", firm, scope=[("casthouse", "DE"), ("casthouse", "GN")])
    _status(accredited("Suspended Later", firm), "suspended", _day(2))
    reinstated = accredited("Reinstated Rey", firm)
    _status(reinstated, "suspended", _day(1))
    _status(reinstated, "active", _day(3))
    _status(accredited("Withdrawn Will", firm), "withdrawn", _day(-1))
    partly = accredited("Partly Reduced", firm, scope=[("casthouse", "DE"), ("casthouse", "GN")])
    _status(partly, "reduced", _day(2), country="GN")
    accredited("Expiring Eve", firm, valid_from=datetime.date(2022, 1, 1), valid_until=_day(1))
    accredited("Starting Sam", firm, valid_from=_day(2), valid_until=_day(400))
    accredited("Through Suspended Firm", suspended_firm)
    accredited("Through Lapsing Firm", lapsing_firm)
    accredited(
        "Imported Ivo",
        no_period_firm,
        source=models.Accreditation.Source.IMPORTED,
        valid_from=datetime.date(2022, 1, 1),
        valid_until=_day(5),
    )
    leaving = accredited("Leaving Lea", firm)
    models.Affiliation.objects.filter(auditor=leaving.auditor).update(until=_day(1))
    pending = accredited("Pending Pia", firm, affiliate=False)
    AffiliationFactory(auditor=pending.auditor, firm=firm, status=models.Affiliation.Status.PENDING)
    accredited("Scoped Sue", scoped_firm, scope=[("casthouse", "DE"), ("casthouse", "GN")])
    accredited("Private Paul", firm, consent=False)
    two = accredited("Two Firms Tom", suspended_firm)
    accredited("Two Firms Tom (2)", firm, auditor=two.auditor, scope=[("casthouse", "DE")])
    accredited("Coc Cara", firm, standard_version=coc, scope=[("casthouse", "NO")])
    # The code of conduct: version 1 in force all along, version 2 from day 3. Everyone
    # accepted both in time, except Old Olga (version 1 only: off from day 3) and Late Lars
    # (version 2 on day 5: off on days 3 and 4); Current Cleo accepted version 2 on day 1,
    # before it came into force.
    olga = accredited("Old Olga", firm)
    lars = accredited("Late Lars", firm)
    cleo = accredited("Current Cleo", firm)
    first = models.CodeOfConductVersion.objects.create(
        label="1", title="Code of conduct", in_force_from=datetime.date(2019, 1, 1)
    )
    second = models.CodeOfConductVersion.objects.create(
        label="2", title="Code of conduct", in_force_from=_day(3)
    )
    late = {olga.auditor_id: None, lars.auditor_id: _day(5), cleo.auditor_id: _day(1)}
    for auditor in models.AuditorProfile.objects.all():
        models.CodeOfConductAcceptance.objects.create(
            auditor=auditor, version=first, accepted_at=_noon(datetime.date(2019, 1, 1))
        )
        accepted_on = late.get(auditor.pk, _day(-10))
        if accepted_on is not None:
            models.CodeOfConductAcceptance.objects.create(
                auditor=auditor, version=second, accepted_at=_noon(accepted_on)
            )
    return made


def _listed_names() -> set[str]:
    return set(models.RegisterEntry.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_read_model_equals_check_eligibility_on_every_day_after_the_daily_run():
    _varied_world()
    seen_listed: set[str] = set()
    seen_unlisted: set[str] = set()
    names = set(
        models.AuditorProfile.objects.filter(listed_consent=True).values_list(
            "user__full_name", flat=True
        )
    )
    for offset in range(-2, 8):
        on = _day(offset)
        run_daily(on=on)

        assert _read_model_set() == _engine_set(on), on
        # ... and the history's SQL (other dates' register) agrees as well.
        assert _read_model_set() == _register_set(on), on
        covered = set(models.RegisterCoverage.objects.values_list("entry_id", flat=True))
        assert set(models.RegisterEntry.objects.values_list("pk", flat=True)) == covered
        seen_listed |= _listed_names()
        seen_unlisted |= names - _listed_names()
        # The code of conduct: version 2 is in force from day 3.
        assert ("Old Olga" in _listed_names()) == (offset < 3), on
        assert ("Late Lars" in _listed_names()) == (offset < 3 or offset >= 5), on
    # The world is not trivial: every consenting auditor but the one the firm never
    # confirmed was listed on some day, and all but the steady ones were off it on another.
    assert seen_listed == names - {"Pending Pia"}
    # These keep an element (Current Cleo accepted version 2 before it came into force).
    steady = {"Active Ada", "Coc Cara", "Partly Reduced", "Two Firms Tom", "Current Cleo"}
    assert seen_unlisted == names - steady
    assert "Private Paul" not in seen_listed


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=world)
def test_read_model_equals_check_eligibility_in_random_worlds(spec, training):
    with transaction.atomic():
        training.records.clear()
        spec = {**spec, "requirements": []}  # the register leaves training aside
        auditors, _requirements = _build(spec, training)
        for on in sorted(spec["dates"]):
            refresh_register(on=on)
            read_model = {
                (entry, standard, sector, country)
                for entry, standard, sector, country in _read_model_set()
            }
            assert read_model == _eligible_set(auditors, on), on
        transaction.set_rollback(True)
