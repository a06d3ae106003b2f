"""One search finds auditors (by their name or their firm's) and firms, on the right tab."""

from __future__ import annotations

import csv
import io

import pytest

from accreditation import models
from tests.accreditation.factories import (
    AccreditationFactory,
    AffiliationFactory,
    AuditorFactory,
    FirmFactory,
)
from tests.accreditation.register_helpers import days_from_today

pytestmark = pytest.mark.django_db


def _auditor(name, firm, *, consent=True, scope=(("casthouse", "CN"),)):
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name=name, listed_consent=consent),
        firm=firm,
        scope=list(scope),
    ).auditor


def _names(response) -> list[str]:
    return [a.user.full_name for a in response.context["page_obj"].object_list]


def _firm_names(response) -> list[str]:
    return [f.name for f in response.context["page_obj"].object_list]


@pytest.fixture
def world():
    """Nordic Certification with two auditors; Andes Assurance with one called Nordström."""
    nordic = FirmFactory(name="Nordic Certification AS", slug="nordic")
    andes = FirmFactory(name="Andes Assurance SAC", slug="andes")
    FirmFactory(name="Lonely Audit Ltd", slug="lonely")  # accredited, no auditor
    _auditor("Ada Auditor", nordic)
    _auditor("Bo Berg", nordic)
    _auditor("Nils Nordström", andes)
    return {"nordic": nordic, "andes": andes}


# --- q: the auditor's name or their firm's ------------------------------------------------


def test_q_finds_auditors_by_their_name(client, world):
    assert _names(client.get("/auditors/", {"q": "berg"})) == ["Bo Berg"]


def test_q_finds_auditors_by_the_name_of_the_firm_they_work_for(client, world):
    response = client.get("/auditors/", {"q": "nordic"})

    assert response.status_code == 200
    # "Nordic" matches Nordic Certification's auditors, and no one at Andes ("Nordström"
    # does not contain "nordic").
    assert _names(response) == ["Ada Auditor", "Bo Berg"]


def test_q_matches_names_and_firm_names_together(client, world):
    assert _names(client.get("/auditors/", {"q": "nord"})) == [
        "Ada Auditor",
        "Bo Berg",
        "Nils Nordström",
    ]


def test_a_firm_the_auditor_works_for_counts_even_when_not_the_accrediting_one(client, world):
    other = FirmFactory(name="Second Employer GmbH")
    nils = models.AuditorProfile.objects.get(user__full_name="Nils Nordström")
    AffiliationFactory(auditor=nils, firm=other)

    assert _names(client.get("/auditors/", {"q": "second employer"})) == ["Nils Nordström"]


@pytest.mark.parametrize(
    "affiliation",
    [
        {"status": models.Affiliation.Status.PENDING},
        {"status": models.Affiliation.Status.DECLINED},
        {"until": days_from_today(-1)},
        {"since": days_from_today(5)},
    ],
    ids=["pending", "declined", "ended", "not-yet"],
)
def test_only_a_confirmed_current_affiliation_makes_a_firm_name_match(client, world, affiliation):
    other = FirmFactory(name="Second Employer GmbH")
    nils = models.AuditorProfile.objects.get(user__full_name="Nils Nordström")
    AffiliationFactory(auditor=nils, firm=other, **affiliation)

    assert _names(client.get("/auditors/", {"q": "second employer"})) == []


def test_a_firm_name_search_still_lists_only_consenting_auditors(client, world):
    _auditor("Private Person", world["nordic"], consent=False)

    assert "Private Person" not in _names(client.get("/auditors/", {"q": "nordic"}))


def test_the_firm_list_q_matches_firm_names_only(client, world):
    assert _firm_names(client.get("/auditors/firms/", {"q": "nordic"})) == [
        "Nordic Certification AS"
    ]
    assert _firm_names(client.get("/auditors/firms/", {"q": "ada"})) == []


def test_the_csv_export_means_the_same_by_q(client, world):
    response = client.get("/auditors/export.csv", {"q": "nordic"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert [row[0] for row in rows[1:]] == ["Ada Auditor", "Bo Berg"]


# --- The API's q is the register's ------------------------------------------------------


@pytest.mark.parametrize("q", ["nordic", "nord", "berg", "andes", "nobody"])
def test_the_api_q_finds_the_same_auditors_and_firms_as_the_html_register(client, world, q):
    html_auditors = _names(client.get("/auditors/", {"q": q}))
    html_firms = _firm_names(client.get("/auditors/firms/", {"q": q}))

    api_auditors = client.get("/api/v1/auditors", {"q": q}).json()
    api_firms = client.get("/api/v1/firms", {"q": q}).json()

    assert [item["name"] for item in api_auditors["items"]] == html_auditors
    assert api_auditors["count"] == len(html_auditors)
    assert [item["name"] for item in api_firms["items"]] == html_firms


def test_the_api_finds_auditors_by_their_firms_name(client, world):
    body = client.get("/api/v1/auditors", {"q": "andes"}).json()

    assert [item["name"] for item in body["items"]] == ["Nils Nordström"]
    assert body["items"][0]["firms"] == ["Andes Assurance SAC"]


# --- The search picks the tab ----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "location"),
    [
        # Auditors match (by firm name), the firm too: the auditors' tab.
        ({"q": "nordic"}, "/auditors/?q=nordic"),
        # Only a firm matches: the firms' tab.
        ({"q": "lonely"}, "/auditors/firms/?q=lonely"),
        # Only auditors match (by their name).
        ({"q": "berg"}, "/auditors/?q=berg"),
        # Nothing matches: the auditors' tab and its empty state.
        ({"q": "zzz"}, "/auditors/?q=zzz"),
        # From the firms' tab: stays there while firms match...
        ({"q": "nordic", "tab": "firms"}, "/auditors/firms/?q=nordic"),
        # ... and goes to the auditors when only they match.
        ({"q": "berg", "tab": "firms"}, "/auditors/?q=berg"),
        ({"q": "zzz", "tab": "firms"}, "/auditors/firms/?q=zzz"),
        # Filtering without a name never changes tab.
        ({"country": "CN", "tab": "firms"}, "/auditors/firms/?country=CN"),
        ({"country": "CN"}, "/auditors/?country=CN"),
        ({}, "/auditors/"),
        # An unknown tab is the auditors' one; the page number is dropped (a new search).
        ({"q": "berg", "tab": "<script>", "page": "3"}, "/auditors/?q=berg"),
    ],
)
def test_the_search_goes_to_the_tab_that_answers(client, world, params, location):
    response = client.get("/auditors/search/", params)

    assert response.status_code == 302
    assert response["Location"] == location


def test_the_search_keeps_the_cleaned_filter(client, world):
    response = client.get(
        "/auditors/search/", {"q": "  lonely ", "standard": "ps", "country": "de", "tab": "firms"}
    )

    assert response["Location"] == "/auditors/firms/?standard=PS&country=DE&q=lonely"


def test_the_search_with_a_bad_filter_shows_the_errors_on_the_tab_searched_from(client, world):
    response = client.get("/auditors/search/", {"q": "x", "country": "ZZ", "tab": "firms"})

    assert response.status_code == 400
    assert "country" in response.context["errors"]
    assert "Register of accredited audit firms" in response.content.decode()


def test_the_auditor_tab_links_to_the_firms_that_match_too(client, world):
    html = client.get("/auditors/", {"q": "nordic"}).content.decode()

    assert '<a href="/auditors/firms/?q=nordic">1 firm matches</a>' in html


def test_the_firm_tab_links_to_the_auditors_that_match_too(client, world):
    html = client.get("/auditors/firms/", {"q": "nord"}).content.decode()

    assert '<a href="/auditors/?q=nord">3 auditors match</a>' in html


def test_no_other_tab_link_without_a_search_or_without_matches(client, world):
    plain = client.get("/auditors/").content.decode()
    lonely = client.get("/auditors/firms/", {"q": "lonely"}).content.decode()

    assert "register-other-matches" not in plain and "firms match" not in plain
    assert "register-other-matches" not in lonely
    assert "auditor matches" not in lonely and "auditors match" not in lonely


def test_the_register_filter_form_and_the_home_page_box_go_to_the_search(client, world):
    from cms.models import HomePage

    auditors = client.get("/auditors/").content.decode()
    firms = client.get("/auditors/firms/").content.decode()
    home = client.get(HomePage.objects.get().url).content.decode()

    for html in (auditors, firms, home):
        assert 'action="/auditors/search/"' in html
    assert '<input type="hidden" name="tab" value="auditors">' in auditors
    assert '<input type="hidden" name="tab" value="firms">' in firms
    assert "Find an accredited auditor or audit firm" in home


def test_the_home_page_search_for_a_firm_name_lands_on_a_page_listing_both(client, world):
    response = client.get("/auditors/search/", {"q": "Nordic"}, follow=True)

    assert response.redirect_chain == [("/auditors/?q=Nordic", 302)]
    assert _names(response) == ["Ada Auditor", "Bo Berg"]
    assert "1 firm matches" in response.content.decode()


# --- Hostile q -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    ["%", "_", "100%", "'; DROP TABLE x; --", "\\", "ünï\u202ecode-中文-😀", "<script>x</script>"],
)
def test_hostile_q_is_matched_literally_and_never_a_500(client, world, q):
    responses = {
        url: client.get(url, {"q": q})
        for url in ("/auditors/", "/auditors/firms/", "/api/v1/auditors", "/api/v1/firms")
    }
    for url, response in responses.items():
        assert response.status_code == 200, url
    assert client.get("/auditors/search/", {"q": q}).status_code == 302
    # LIKE wildcards are escaped: "%" and "_" match only names holding them.
    assert _names(responses["/auditors/"]) == []
    assert _firm_names(responses["/auditors/firms/"]) == []
    assert responses["/api/v1/auditors"].json()["count"] == 0
    for url in ("/auditors/", "/auditors/firms/"):
        assert "<script>x</script>" not in responses[url].content.decode()


def test_q_too_long_is_a_400_naming_q_everywhere(client, world):
    q = "a" * 101
    for url in ("/auditors/", "/auditors/firms/", "/auditors/search/"):
        response = client.get(url, {"q": q})
        assert response.status_code == 400, url
        assert "q" in response.context["errors"]
    assert client.get("/api/v1/auditors", {"q": q}).status_code == 422
    assert client.get("/api/v1/firms", {"q": q}).status_code == 422


def test_q_with_a_nul_is_a_400_everywhere(client, world):
    for url in ("/auditors/", "/auditors/firms/", "/auditors/search/", "/api/v1/auditors"):
        assert client.get(url, {"q": "x\x00y"}).status_code == 400, url


def test_the_search_answers_only_get_and_head(client, world):
    assert client.post("/auditors/search/", {"q": "nordic"}).status_code == 405
    assert client.head("/auditors/search/", {"q": "nordic"}).status_code == 302


# --- The demo ----------------------------------------------------------------------------


def test_in_the_demo_nordic_finds_the_nordic_firm_and_its_auditors(client):
    from accreditation import demo
    from lms import demo as lms_demo

    lms_demo.seed()
    demo.seed()

    response = client.get("/auditors/search/", {"q": "Nordic"}, follow=True)
    firms = client.get("/auditors/firms/", {"q": "Nordic"})

    assert response.redirect_chain == [("/auditors/?q=Nordic", 302)]
    assert _names(response) == ["Ade Auditor", "Elin Expiring", "Rui Reduced"]
    assert "Paula Pending" not in response.content.decode()  # not confirmed by the firm
    assert "1 firm matches" in response.content.decode()
    assert _firm_names(firms) == ["Nordic Certification AS"]
