"""The JSON API under /api/v1/ (auditors, firms, eligibility) and its schema."""

import datetime

import pytest

from accreditation import models, selectors
from accreditation.selectors import Eligibility
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    FirmFactory,
    FirmScopeElementFactory,
    StandardVersionFactory,
)
from tests.accreditation.register_helpers import bulk_register, days_from_today

pytestmark = pytest.mark.django_db


def _accreditation(name="Api Auditor", consent=True, **kw):
    kw.setdefault("scope", [("casthouse", "CN")])
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name=name, listed_consent=consent), **kw
    )


def test_auditors_endpoint_returns_count_and_items_with_scope(client):
    firm = FirmFactory(name="Api Firm")
    accreditation = _accreditation(firm=firm, scope=[("casthouse", "CN"), ("casthouse", "DE")])
    _accreditation("Hidden", consent=False)

    response = client.get("/api/v1/auditors")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": accreditation.auditor.pk,
                "name": "Api Auditor",
                "firms": ["Api Firm"],
                "scope": [
                    {
                        "standard": "PS",
                        "sector": "casthouse",
                        "country": country,
                        "firm": "Api Firm",
                        "status": "active",
                        "valid_from": "2020-01-01",
                        "valid_until": "2030-12-31",
                    }
                    for country in ("CN", "DE")
                ],
            }
        ],
    }


def test_auditors_endpoint_shares_the_register_filters(client):
    firm = FirmFactory(slug="only-firm")
    _accreditation("China Casthouse", firm=firm)
    _accreditation("German Casthouse", scope=[("casthouse", "DE")])
    _accreditation(
        "Coc Auditor",
        standard_version=StandardVersionFactory(standard__code="CoC"),
        scope=[("casthouse", "CN")],
    )

    def names(**params):
        return [item["name"] for item in client.get("/api/v1/auditors", params).json()["items"]]

    assert names(standard="PS", sector="casthouse", country="CN") == ["China Casthouse"]
    assert names(country="CN") == ["China Casthouse", "Coc Auditor"]
    assert names(firm="only-firm") == ["China Casthouse"]
    assert names(q="german") == ["German Casthouse"]
    assert names(standard="CoC") == ["Coc Auditor"]


def test_auditors_endpoint_paginates_25_a_page(client):
    bulk_register(30)

    first = client.get("/api/v1/auditors").json()
    second = client.get("/api/v1/auditors", {"page": 2}).json()
    beyond = client.get("/api/v1/auditors", {"page": 9}).json()

    assert first["count"] == second["count"] == 30
    assert len(first["items"]) == 25 and len(second["items"]) == 5
    assert beyond["items"] == []
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"standard": "XX"}, "standard"),
        ({"standard": "PS", "sector": "post-casthouse"}, "sector"),
        ({"country": "ZZ"}, "country"),
        ({"firm": "nobody"}, "firm"),
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/auditors", "/api/v1/firms"])
def test_list_endpoints_answer_422_naming_the_bad_parameter(client, endpoint, params, param):
    StandardVersionFactory(standard__code="CoC", sectors=["post-casthouse"])

    response = client.get(endpoint, params)

    assert response.status_code == 422
    assert ["query", param] in [error["loc"] for error in response.json()["detail"]]


def test_firms_endpoint_returns_each_firms_own_scope(client):
    firm = FirmFactory(name="Own Scope Firm", slug="own-scope", country="FR")
    FirmScopeElementFactory(firm=firm, country="CN")
    FirmFactory(name="Lapsed", period=(datetime.date(2019, 1, 1), days_from_today(-1)))

    body = client.get("/api/v1/firms").json()

    assert body["count"] == 1
    (item,) = body["items"]
    assert item == {
        "id": firm.pk,
        "name": "Own Scope Firm",
        "slug": "own-scope",
        "country": "FR",
        "status": "active",
        "valid_from": "2020-01-01",
        "valid_until": "2030-12-31",
        "scope": [
            {
                "standard": "PS",
                "sector": "casthouse",
                "country": "CN",
                "valid_from": "2020-01-01",
                "valid_until": None,
            }
        ],
    }
    assert client.get("/api/v1/firms", {"country": "DE"}).json()["count"] == 0


def test_eligibility_endpoint_calls_the_eligibility_engine(client, monkeypatch):
    accreditation = _accreditation()
    calls = []

    def fake(user, standard, sector, country, on=None):
        calls.append((user, standard.code, sector.slug, country, on))
        return Eligibility(eligible=False, reasons=["the firm's accreditation expired"])

    monkeypatch.setattr(selectors, "check_eligibility", fake)

    response = client.get(
        "/api/v1/eligibility",
        {
            "auditor": accreditation.auditor.pk,
            "standard": "PS",
            "sector": "casthouse",
            "country": "cn",
            "on": "2025-01-01",
        },
    )

    assert response.status_code == 200
    assert response.json() == {"eligible": False, "reasons": ["the firm's accreditation expired"]}
    assert calls == [
        (accreditation.auditor.user, "PS", "casthouse", "CN", datetime.date(2025, 1, 1))
    ]


def test_eligibility_endpoint_answers_from_the_real_engine_including_past_dates(client):
    accreditation = _accreditation()
    element = accreditation.scope.get()
    models.ScopeStatusChange.objects.create(
        element=element, status="suspended", effective_from=datetime.date(2025, 6, 1)
    )
    params = {
        "auditor": accreditation.auditor.pk,
        "standard": "PS",
        "sector": "casthouse",
        "country": "CN",
    }

    before = client.get("/api/v1/eligibility", {**params, "on": "2025-01-01"}).json()
    now = client.get("/api/v1/eligibility", params).json()

    assert before == {"eligible": True, "reasons": []}
    assert now["eligible"] is False
    assert any("suspended" in reason for reason in now["reasons"])


@pytest.mark.parametrize(
    ("override", "param"),
    [
        ({"standard": "XX"}, "standard"),
        ({"sector": "post-casthouse"}, "sector"),
        ({"country": "QQ"}, "country"),
        ({"on": "2025-13-01"}, "on"),
        ({"on": "yesterday"}, "on"),
        ({"auditor": "abc"}, "auditor"),
    ],
)
def test_eligibility_endpoint_answers_422_naming_the_bad_parameter(client, override, param):
    accreditation = _accreditation()
    StandardVersionFactory(standard__code="CoC", sectors=["post-casthouse"])
    params = {
        "auditor": accreditation.auditor.pk,
        "standard": "PS",
        "sector": "casthouse",
        "country": "CN",
        **override,
    }

    response = client.get("/api/v1/eligibility", params)

    assert response.status_code == 422
    errors = response.json()["detail"]
    assert ["query", param] in [error["loc"] for error in errors]


def test_eligibility_of_an_unlisted_or_unknown_auditor_is_a_404(client):
    private = _accreditation(consent=False)
    params = {"standard": "PS", "sector": "casthouse", "country": "CN"}

    assert (
        client.get("/api/v1/eligibility", {**params, "auditor": private.auditor.pk}).status_code
        == 404
    )
    assert client.get("/api/v1/eligibility", {**params, "auditor": 999999}).status_code == 404


def test_openapi_schema_describes_the_register_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()

    for path in ("/api/v1/auditors", "/api/v1/firms", "/api/v1/eligibility"):
        assert path in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/auditors"]["get"]["parameters"]}
    assert {"standard", "sector", "country", "firm", "q", "page"} <= parameters


def test_api_docs_load_swagger_from_our_own_static_files_not_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
