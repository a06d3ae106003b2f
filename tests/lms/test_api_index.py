"""``/api/v1/`` answers with where the documentation is and which endpoints exist."""

import pytest


@pytest.mark.django_db
def test_the_api_root_links_to_its_documentation_and_every_endpoint(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert body["docs"].endswith("/api/v1/docs")
    assert body["openapi"].endswith("/api/v1/openapi.json")
    paths = {endpoint["path"] for endpoint in body["endpoints"]}
    assert {"/api/v1/auditors", "/api/v1/firms", "/api/v1/eligibility"} <= paths
    for link in (body["docs"], body["openapi"]):
        assert client.get(link).status_code == 200
