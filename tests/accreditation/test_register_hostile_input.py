"""The register's filters, pages, CSV export and API answer hostile input with a 4xx.

NUL bytes broke PostgreSQL (it refuses NUL in text) on the page, the API and half-way
through the CSV stream; a 30-digit page number broke the API's OFFSET. The request-level
guard (tests/lms/test_input_guard.py) refuses NUL everywhere; the filters refuse it too,
so that no caller of ``parse_filters`` can send it to the database.
"""

import pytest

from accreditation import register
from accreditation.register.filters import MAX_QUERY_LENGTH, MAX_VALUE_LENGTH
from tests.accreditation.register_helpers import bulk_register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("param", ["q", "standard", "sector", "country", "firm"])
def test_filters_refuse_a_nul_character_in_any_parameter(param):
    with pytest.raises(register.FilterErrors) as refused:
        register.parse_filters({param: "PS\x00"})

    assert refused.value.errors == {param: "contains a NUL character"}


@pytest.mark.parametrize(
    ("param", "limit"),
    [("standard", MAX_VALUE_LENGTH), ("sector", MAX_VALUE_LENGTH), ("q", MAX_QUERY_LENGTH)],
)
def test_filters_refuse_an_overlong_value_without_echoing_it(param, limit):
    with pytest.raises(register.FilterErrors) as refused:
        register.parse_filters({param: "x" * (limit + 1)})

    assert refused.value.errors == {param: f"at most {limit} characters"}


@pytest.mark.parametrize("param", ["q", "standard", "sector"])
@pytest.mark.parametrize(
    "url", ["/auditors/", "/auditors/firms/", "/auditors/export.csv", "/api/v1/auditors"]
)
def test_a_nul_byte_in_a_register_filter_is_a_400_everywhere(client, url, param):
    bulk_register(3)

    response = client.get(url, {param: "casthouse\x00"})

    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/firms", "/api/v1/auditors"])
def test_an_api_page_number_beyond_any_register_is_a_422_not_a_server_error(client, url):
    bulk_register(3)

    response = client.get(url, {"page": "1" + "0" * 29})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


@pytest.mark.parametrize("url", ["/api/v1/firms", "/api/v1/auditors"])
def test_an_api_page_past_the_end_is_empty(client, url):
    bulk_register(3)

    response = client.get(url, {"page": 100_000})

    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("param", ["standard", "sector", "country", "q"])
def test_an_overlong_api_text_parameter_is_a_422(client, param):
    response = client.get("/api/v1/auditors", {param: "x" * 201})

    assert response.status_code == 422


def test_the_openapi_schema_states_the_bounds_of_the_register_parameters(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/firms"]["get"]["parameters"]}

    assert parameters["page"]["schema"]["maximum"] == 100_000
    assert parameters["q"]["schema"]["anyOf"][0]["maxLength"] == 200


def test_the_csv_export_with_hostile_but_valid_filters_streams_to_the_end(client):
    bulk_register(30)

    response = client.get("/auditors/export.csv", {"q": "Auditor ", "page": "9" * 30})

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.count(b"\n") == 1 + 30 * 2  # the header and every scope element
