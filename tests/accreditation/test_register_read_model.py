"""The register's read model is kept current by every writer, inside its transaction.

Services (suspension, firm decisions, affiliations, consent), plain ORM writes in bulk
(``update``, ``bulk_create``), the importer (one refresh for the whole file) and the
``rebuild_register`` command. The parity with ``check_eligibility`` over many dates is in
``test_register_parity.py``; the fixed query counts in ``test_register_read_model_queries``.
"""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from accreditation import models, services
from accreditation.importer import import_register
from accreditation.services import register as register_service
from accreditation.services.register import refresh_register, register_batch
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    FirmFactory,
    sector_for,
)
from tests.accreditation.register_helpers import bulk_register, days_from_today
from tests.factories import SecretariatFactory
from tests.races import needs_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return SecretariatFactory()


def _listed() -> set[str]:
    return set(models.RegisterEntry.objects.values_list("name", flat=True))


def _coverage(auditor) -> set[tuple[str, str]]:
    return set(
        models.RegisterCoverage.objects.filter(entry_id=auditor.pk).values_list(
            "sector__slug", "country"
        )
    )


def _accredited(name: str, **kwargs) -> models.Accreditation:
    return AccreditationFactory(auditor=AuditorFactory(user__full_name=name), **kwargs)


def test_a_grant_lists_the_auditor_with_each_element(staff):
    accreditation = _accredited("Granted Gil", scope=[("casthouse", "DE"), ("casthouse", "GN")])

    assert _listed() == {"Granted Gil"}
    assert _coverage(accreditation.auditor) == {("casthouse", "DE"), ("casthouse", "GN")}


def test_a_suspension_takes_the_element_off_in_the_services_own_transaction(staff):
    accreditation = _accredited("Suspended Sue", scope=[("casthouse", "DE"), ("casthouse", "GN")])
    element = accreditation.scope.get(country="GN")

    services.accreditation_suspend(
        accreditation=accreditation, actor=staff, reason="Complaint.", elements=[element]
    )

    assert _coverage(accreditation.auditor) == {("casthouse", "DE")}
    services.accreditation_suspend(accreditation=accreditation, actor=staff, reason="All.")
    assert _listed() == set()
    services.accreditation_reinstate(accreditation=accreditation, actor=staff, reason="Cleared.")
    assert _coverage(accreditation.auditor) == {("casthouse", "DE"), ("casthouse", "GN")}


def test_a_future_dated_suspension_waits_for_its_day(staff):
    accreditation = _accredited("Later Lou")

    services.accreditation_suspend(
        accreditation=accreditation,
        actor=staff,
        reason="From Monday.",
        effective=days_from_today(2),
    )

    assert _listed() == {"Later Lou"}
    services.run_daily(on=days_from_today(2))
    assert _listed() == set()


def test_a_firm_suspension_takes_every_auditor_of_the_firm_off(staff):
    firm = FirmFactory()
    _accredited("Firm One", firm=firm)
    _accredited("Firm Two", firm=firm)
    _accredited("Elsewhere")

    services.firm_accreditation_suspend(firm=firm, actor=staff, reason="Lapsed insurance.")

    assert _listed() == {"Elsewhere"}
    services.firm_accreditation_reinstate(firm=firm, actor=staff, reason="Insured again.")
    assert _listed() == {"Firm One", "Firm Two", "Elsewhere"}


def test_an_ended_affiliation_counts_to_its_last_day(staff):
    accreditation = _accredited("Leaving Lee")
    affiliation = models.Affiliation.objects.get(auditor=accreditation.auditor)

    services.affiliation_end(
        affiliation=affiliation, user=staff, until=days_from_today(-1), reason="Left the firm."
    )

    assert _listed() == set()


def test_withdrawn_consent_and_a_new_name_are_shown_at_once():
    accreditation = _accredited("Old Name")
    user = accreditation.auditor.user

    user.full_name = "New Name"
    user.save()
    assert _listed() == {"New Name"}

    profile = accreditation.auditor
    profile.listed_consent = False
    profile.save(update_fields=["listed_consent"])
    assert _listed() == set()


def test_writes_in_bulk_refresh_it_too():
    accreditation = _accredited("Bulk Bea")

    models.ScopeStatusChange.objects.bulk_create(
        [
            models.ScopeStatusChange(
                element=accreditation.scope.get(),
                status="withdrawn",
                effective_from=days_from_today(0),
            )
        ]
    )
    assert _listed() == set()

    models.ScopeStatusChange.objects.filter(status="withdrawn").update(
        effective_from=days_from_today(5)
    )
    assert _listed() == {"Bulk Bea"}


def test_a_batch_refreshes_once_at_its_end_and_not_after_an_error(monkeypatch):
    accreditation = _accredited("Batched Bo")
    calls = []
    real = register_service.refresh_register
    monkeypatch.setattr(
        register_service,
        "refresh_register",
        lambda **kwargs: calls.append(kwargs) or real(**kwargs),
    )

    with register_batch():
        for _ in range(3):
            models.ScopeStatusChange.objects.create(
                element=accreditation.scope.get(),
                status="suspended",
                effective_from=days_from_today(0),
            )
        assert _listed() == {"Batched Bo"}  # not yet
    assert len(calls) == 1 and _listed() == set()

    with pytest.raises(RuntimeError), register_batch():
        models.ScopeStatusChange.objects.create(
            element=accreditation.scope.get(), status="active", effective_from=days_from_today(0)
        )
        raise RuntimeError
    assert len(calls) == 1


HEADER = (
    "firm,firm_country,auditor_name,auditor_email,standard,sectors,countries,"
    "valid_from,valid_until,status,listed\n"
)


def test_the_importer_refreshes_the_register_once_for_the_whole_file(monkeypatch):
    calls = []
    real = register_service.refresh_register
    monkeypatch.setattr(
        register_service,
        "refresh_register",
        lambda **kwargs: calls.append(kwargs) or real(**kwargs),
    )
    until = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    rows = "".join(
        f"Firm {i % 3},DE,Imported {i:03d},imported{i}@example.org,PS,casthouse;bauxite-mining,"
        f"DE;GN,2023-01-01,{until},active,{'yes' if i % 4 else 'no'}\n"
        for i in range(40)
    )

    report = import_register(text=HEADER + rows)

    assert not report.errors
    assert len(calls) == 1
    assert len(_listed()) == 30  # every fourth does not consent
    assert models.RegisterCoverage.objects.count() == 30 * 4


def test_rebuild_register_restores_the_read_model_and_a_second_run_writes_nothing(capsys):
    profiles = bulk_register(12)
    models.RegisterEntry.objects.all().delete()

    call_command("rebuild_register")
    assert len(_listed()) == 12
    assert models.RegisterCoverage.objects.count() == 24
    report = refresh_register()
    assert not report.changed and report.listed == 12
    assert "listed: 12" in capsys.readouterr().out
    assert models.RegisterEntry.objects.filter(pk=profiles[0].pk).exists()


@pytest.mark.parametrize("count", [20, 200])
def test_a_refresh_costs_the_same_queries_for_20_or_200_auditors(count):
    bulk_register(count, firms=5)

    with CaptureQueriesContext(connection) as captured:
        report = refresh_register()

    assert report.listed == count and not report.changed
    # ids 2; the auditors locked 1; accreditations 1, scope 1, status changes 1; firms 1,
    # their periods, status changes and own scope 3; affiliations 1; the code of conduct
    # version in force 1 (none here: no acceptances read); existing entries 1 and coverage 1.
    queries = [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) == 14


def test_a_firm_scope_edited_in_the_admin_refreshes_the_register(staff_client):
    # Two scope rows: saving them once failed before any of this code ran (modelcluster
    # sorted the rows by country in Python, and Country objects do not compare).
    from django.urls import reverse

    firm = FirmFactory()
    _accredited("Admin Ann", firm=firm, scope=[("casthouse", "DE")])
    sector = sector_for("PS", "casthouse")

    response = staff_client.post(
        reverse("accreditation_firm:edit", args=[firm.pk]),
        {
            "name": firm.name,
            "slug": firm.slug,
            "country": "DE",
            "website": "",
            "scheme": "17065",
            "accreditation_body": "DAkkS",
            "accreditation_number": "1",
            "scope-TOTAL_FORMS": "2",
            "scope-INITIAL_FORMS": "0",
            "scope-MIN_NUM_FORMS": "0",
            "scope-MAX_NUM_FORMS": "1000",
            # the firm's own scope now recorded for PS, but not for casthouse in DE
            "scope-0-sector": str(sector.pk),
            "scope-0-country": "GN",
            "scope-0-valid_from": "2020-01-01",
            "scope-0-valid_until": "",
            "scope-0-id": "",
            "scope-0-ORDER": "0",
            "scope-1-sector": str(sector.pk),
            "scope-1-country": "AU",
            "scope-1-valid_from": "2020-01-01",
            "scope-1-valid_until": "",
            "scope-1-id": "",
            "scope-1-ORDER": "1",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    assert models.FirmScopeElement.objects.filter(firm=firm).count() == 2
    assert _listed() == set()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_refreshing_one_auditor_at_once_leave_the_register_right(monkeypatch):
    """A firm suspension and a scope suspension of the same auditor (two accreditations,
    two firms: no row lock in common) commit at the same time. The second refresh waits for
    the first to commit and then reads its writes; without that wait it computed the firm as
    still accredited and put back the row the first had just removed."""
    staff = SecretariatFactory()
    auditor = AuditorFactory(user__full_name="Raced Rae")
    through_f = AccreditationFactory(auditor=auditor, scope=[("casthouse", "DE")])
    through_g = AccreditationFactory(auditor=auditor, scope=[("casthouse", "GN")])
    first_written, first_committed = threading.Event(), threading.Event()
    real_desired = register_service._desired

    def slow_desired(auditor_ids, on):
        result = real_desired(auditor_ids, on)
        if threading.current_thread().name == "second":
            first_committed.wait(timeout=3)  # the first commits while this one goes on
        return result

    monkeypatch.setattr(register_service, "_desired", slow_desired)

    def first():
        with transaction.atomic():
            services.firm_accreditation_suspend(
                firm=through_f.firm, actor=staff, reason="Insurance lapsed."
            )
            first_written.set()
            time.sleep(0.5)  # the second writer starts meanwhile
        first_committed.set()

    def second():
        first_written.wait(timeout=5)
        services.accreditation_suspend(
            accreditation=through_g, actor=staff, reason="Complaint upheld."
        )

    def closing(run):
        def target():
            try:
                run()
            finally:
                connections.close_all()  # this thread's own connection

        return target

    threads = [threading.Thread(target=closing(run), name=run.__name__) for run in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connections.close_all()

    assert _listed() == set()
    assert not models.RegisterCoverage.objects.exists()
    assert not refresh_register().changed
