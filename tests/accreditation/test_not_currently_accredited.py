"""The public page of an auditor who was on the register and is not now.

Policy (``accreditation.register.history``): a consenting auditor who was on the register
gets "Not currently accredited" and since when, and nothing else; anyone else is a 404.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation import models, register, services
from lms.formats import local_date
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    FirmFactory,
    FirmScopeElementFactory,
)
from tests.accreditation.register_helpers import bulk_register, days_from_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return FirmFactory(name="Former Firm AS", slug="former-firm")


def _accredited(firm, *, name="Nora Former", consent=True, **kwargs):
    kwargs.setdefault("scope", [("casthouse", "CN"), ("casthouse", "DE")])
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name=name, listed_consent=consent), firm=firm, **kwargs
    )


def _status(accreditation, status, effective, elements=None):
    for element in elements or accreditation.scope.all():
        models.ScopeStatusChange.objects.create(
            element=element, status=status, effective_from=effective
        )


def _page(client, accreditation):
    return client.get(f"/auditors/{accreditation.auditor.pk}/")


def _assert_not_current_since(response, since: datetime.date):
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not currently accredited" in html
    assert f"since {local_date(since)}" in html
    assert response.context["since"] == since
    # Nothing else about them: not why, not the scope, not the firm.
    for word in ("Suspended", "Withdrawn", "Expired", "China", "Germany", "Former Firm AS"):
        assert word not in html, word
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("status", ["suspended", "withdrawn", "reduced"])
def test_a_suspended_withdrawn_or_fully_reduced_auditor_is_not_currently_accredited_since_then(
    client, firm, status
):
    accreditation = _accredited(firm)
    _status(accreditation, status, days_from_today(-10))

    response = _page(client, accreditation)

    _assert_not_current_since(response, days_from_today(-10))
    assert "<h1>Nora Former</h1>" in response.content.decode()


def test_an_expired_auditor_is_not_currently_accredited_since_the_day_after_the_end(client, firm):
    accreditation = _accredited(
        firm, valid_from=datetime.date(2020, 1, 1), valid_until=days_from_today(-5)
    )

    _assert_not_current_since(_page(client, accreditation), days_from_today(-4))


def test_an_expiry_status_row_counts_from_its_date(client, firm):
    accreditation = _accredited(firm)
    _status(accreditation, "expired", days_from_today(-3))

    _assert_not_current_since(_page(client, accreditation), days_from_today(-3))


def test_since_is_when_the_last_listed_element_stopped_counting(client, firm):
    accreditation = _accredited(firm)
    china, germany = accreditation.scope.order_by("country")
    _status(accreditation, "withdrawn", days_from_today(-100), [china])
    _status(accreditation, "suspended", days_from_today(-7), [germany])

    _assert_not_current_since(_page(client, accreditation), days_from_today(-7))


def test_a_suspension_lifted_and_given_again_counts_from_the_latest_one(client, firm):
    accreditation = _accredited(firm)
    _status(accreditation, "suspended", days_from_today(-60))
    _status(accreditation, "active", days_from_today(-30))
    _status(accreditation, "suspended", days_from_today(-2))

    _assert_not_current_since(_page(client, accreditation), days_from_today(-2))


def test_two_accreditations_the_later_end_counts(client, firm):
    first = _accredited(firm, valid_until=days_from_today(-50))
    AccreditationFactory(
        auditor=first.auditor,
        firm=firm,
        standard_version__standard__code="CoC",
        scope=[("casthouse", "NO")],
        valid_until=days_from_today(-20),
    )

    _assert_not_current_since(_page(client, first), days_from_today(-19))


def test_a_suspended_firm_takes_its_auditors_off_from_the_suspension(client, firm):
    accreditation = _accredited(firm)
    models.FirmStatusChange.objects.create(
        firm=firm, status="suspended", effective_from=days_from_today(-12), reason="review"
    )

    _assert_not_current_since(_page(client, accreditation), days_from_today(-12))


def test_a_lapsed_firm_period_takes_its_auditors_off_the_day_after(client):
    lapsed = FirmFactory(period=(datetime.date(2020, 1, 1), days_from_today(-8)))
    accreditation = _accredited(lapsed)

    response = _page(client, accreditation)

    assert response.status_code == 200 and response.context["since"] == days_from_today(-7)


def test_an_ended_affiliation_takes_the_auditor_off_the_day_after(client, firm):
    accreditation = _accredited(firm)
    models.Affiliation.objects.filter(auditor=accreditation.auditor).update(
        until=days_from_today(-15)
    )

    response = _page(client, accreditation)

    assert response.status_code == 200 and response.context["since"] == days_from_today(-14)


def test_a_firm_scope_that_ended_takes_the_auditor_off_the_day_after(client, firm):
    accreditation = _accredited(firm, scope=[("casthouse", "CN")])
    FirmScopeElementFactory(firm=firm, country="CN", valid_until=days_from_today(-9))

    response = _page(client, accreditation)

    assert response.status_code == 200 and response.context["since"] == days_from_today(-8)


# --- 404: never listed, or no consent ---------------------------------------------------


def test_an_auditor_who_was_never_on_the_register_is_a_404(client, firm):
    future = _accredited(firm, valid_from=days_from_today(3), valid_until=days_from_today(400))
    nothing = AuditorFactory(user__full_name="No Accreditation")
    # Suspended from its first day: never on the register.
    born_suspended = _accredited(firm, name="Born Suspended", valid_from=days_from_today(-30))
    _status(born_suspended, "suspended", days_from_today(-30))
    # Accredited through a firm whose own scope never covered it.
    scoped = FirmFactory()
    FirmScopeElementFactory(firm=scoped, country="BR")
    uncovered = _accredited(scoped, name="Never Covered", scope=[("casthouse", "CN")])

    for pk in (future.auditor.pk, nothing.pk, born_suspended.auditor.pk, uncovered.auditor.pk):
        response = client.get(f"/auditors/{pk}/")
        assert response.status_code == 404, pk
        assert "Not currently accredited" not in response.content.decode()


def test_an_auditor_without_consent_is_a_404_even_if_once_listed(client, firm):
    accreditation = _accredited(firm, consent=False)
    _status(accreditation, "suspended", days_from_today(-10))

    assert _page(client, accreditation).status_code == 404


def test_withdrawing_consent_after_leaving_the_register_makes_the_page_a_404(
    client, firm, django_capture_on_commit_callbacks
):
    accreditation = _accredited(firm)
    _status(accreditation, "withdrawn", days_from_today(-10))
    assert _page(client, accreditation).status_code == 200  # and cached

    with django_capture_on_commit_callbacks(execute=True):  # the register cache is purged
        accreditation.auditor.listed_consent = False
        accreditation.auditor.save(update_fields=["listed_consent"])

    assert _page(client, accreditation).status_code == 404


def test_an_unknown_id_is_a_404(client):
    assert client.get("/auditors/999999/").status_code == 404


def test_a_listed_auditor_still_gets_the_full_page(client, firm):
    accreditation = _accredited(firm)

    response = _page(client, accreditation)

    assert response.status_code == 200
    assert "Not currently accredited" not in response.content.decode()
    assert len(response.context["auditor"].register_scope) == 2


# --- Cache and cost ---------------------------------------------------------------------


def test_a_suspension_through_the_service_turns_the_cached_page_on_the_next_request(
    client, firm, staff_user, django_capture_on_commit_callbacks
):
    accreditation = _accredited(firm)
    assert "Not currently accredited" not in _page(client, accreditation).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_suspend(
            accreditation=accreditation, actor=staff_user, reason="A complaint."
        )

    _assert_not_current_since(_page(client, accreditation), days_from_today(0))


def test_the_not_current_page_is_served_from_the_register_cache(client, firm):
    accreditation = _accredited(firm)
    _status(accreditation, "suspended", days_from_today(-3))

    first = _page(client, accreditation)
    second = _page(client, accreditation)

    assert first["X-Register-Cache"] == "miss" and second["X-Register-Cache"] == "hit"
    assert second.content == first.content


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len([q for q in captured.captured_queries if "lms_cache" not in q["sql"]])


def test_the_not_current_page_costs_the_same_queries_whatever_the_register_size(
    client, firm, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    accreditation = _accredited(firm)
    _status(accreditation, "suspended", days_from_today(-3))
    url = f"/auditors/{accreditation.auditor.pk}/"

    small = _queries(client, url)
    bulk_register(300, firms=6)
    large = _queries(client, url)

    # listed_auditor 3, the consenting profile 1, candidate days 1, one chunk of them 1.
    assert small == large == 6


def test_not_listed_since_answers_for_a_past_date_from_history(firm):
    accreditation = _accredited(firm)
    _status(accreditation, "suspended", datetime.date(2024, 3, 1))
    _status(accreditation, "active", datetime.date(2024, 6, 1))

    assert register.not_listed_since(accreditation.auditor.pk, datetime.date(2024, 4, 1)) == (
        datetime.date(2024, 3, 1)
    )
    assert register.not_listed_since(accreditation.auditor.pk, datetime.date(2019, 6, 1)) is None
