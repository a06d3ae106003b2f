"""The public register page, its filters, pagination, detail pages and CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from accreditation import models
from accreditation.register import FilterErrors, RegisterFilter, auditor_page, parse_filters
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    FirmFactory,
    FirmScopeElementFactory,
    StandardVersionFactory,
)
from tests.accreditation.register_helpers import bulk_register, days_from_today

pytestmark = pytest.mark.django_db


def _auditor(name, *, firm=None, scope=(("casthouse", "CN"),), standard="PS", consent=True, **kw):
    auditor = AuditorFactory(user__full_name=name, listed_consent=consent)
    return AccreditationFactory(
        auditor=auditor,
        firm=firm or FirmFactory(),
        standard_version=StandardVersionFactory(standard__code=standard),
        scope=list(scope),
        **kw,
    )


def _names(response):
    return [a.user.full_name for a in response.context["page_obj"].object_list]


def test_register_lists_consenting_auditors_with_their_scope_and_firms(client):
    firm = FirmFactory(name="Bureau Alpha")
    _auditor("Ada Listed", firm=firm, scope=[("casthouse", "CN"), ("casthouse", "DE")])
    _auditor("Bob Private", firm=firm, consent=False)

    response = client.get("/auditors/")

    assert response.status_code == 200
    assert _names(response) == ["Ada Listed"]
    html = response.content.decode()
    assert "Ada Listed" in html and "Bob Private" not in html
    assert "Bureau Alpha" in html
    assert "China" in html and "Germany" in html


def test_register_hides_suspended_withdrawn_expired_and_not_yet_valid_scope(client):
    ok = _auditor("Active Anne")
    suspended = _auditor("Suspended Sam")
    withdrawn = _auditor("Withdrawn Will")
    _auditor("Expired Erin", valid_from=datetime.date(2019, 1, 1), valid_until=days_from_today(-1))
    _auditor("Future Fay", valid_from=days_from_today(3), valid_until=days_from_today(400))
    for accreditation, status in ((suspended, "suspended"), (withdrawn, "withdrawn")):
        models.ScopeStatusChange.objects.create(
            element=accreditation.scope.get(), status=status, effective_from=days_from_today(-2)
        )

    response = client.get("/auditors/")

    assert _names(response) == [ok.auditor.user.full_name]


def test_register_hides_auditors_whose_firm_is_suspended_or_lapsed(client):
    suspended_firm = FirmFactory()
    models.FirmStatusChange.objects.create(
        firm=suspended_firm, status="suspended", effective_from=days_from_today(-1), reason="x"
    )
    lapsed_firm = FirmFactory(period=(datetime.date(2020, 1, 1), days_from_today(-1)))
    _auditor("Through Suspended", firm=suspended_firm)
    _auditor("Through Lapsed", firm=lapsed_firm)
    _auditor("Through Good")

    assert _names(client.get("/auditors/")) == ["Through Good"]
    firms = client.get("/auditors/firms/").context["page_obj"].object_list
    assert suspended_firm not in firms and lapsed_firm not in firms


def test_imported_accreditation_is_listed_within_its_own_dates_without_firm_period(client):
    firm = FirmFactory(period=False)
    _auditor("Imported Ian", firm=firm, source=models.Accreditation.Source.IMPORTED)

    assert _names(client.get("/auditors/")) == ["Imported Ian"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"standard": "PS"}, ["Cn Casthouse", "De Smelting"]),
        ({"standard": "coc"}, ["Coc Person"]),
        ({"sector": "aluminium-smelting"}, ["De Smelting"]),
        ({"standard": "PS", "sector": "casthouse"}, ["Cn Casthouse"]),
        ({"sector": "casthouse"}, ["Cn Casthouse", "Coc Person"]),
        ({"country": "cn"}, ["Cn Casthouse"]),
        ({"firm": "firm-b"}, ["De Smelting"]),
        ({"q": "smelt"}, ["De Smelting"]),
        ({"standard": "PS", "country": "GN"}, []),
    ],
)
def test_register_filters_by_standard_sector_country_firm_and_name(client, params, expected):
    firm_a = FirmFactory(slug="firm-a")
    firm_b = FirmFactory(slug="firm-b")
    _auditor("Cn Casthouse", firm=firm_a, scope=[("casthouse", "CN")])
    _auditor("De Smelting", firm=firm_b, scope=[("aluminium-smelting", "DE")])
    _auditor("Coc Person", firm=firm_a, standard="CoC", scope=[("casthouse", "GN")])

    response = client.get("/auditors/", params)

    assert response.status_code == 200
    assert _names(response) == expected


def test_filtered_register_shows_only_the_matching_scope_elements(client):
    _auditor("Multi Scope", scope=[("casthouse", "CN"), ("casthouse", "DE")])

    response = client.get("/auditors/", {"country": "DE"})

    (auditor,) = response.context["page_obj"].object_list
    assert [e.country.code for e in auditor.register_scope] == ["DE"]


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"standard": "XX"}, "standard"),
        ({"standard": "PS", "sector": "post-casthouse"}, "sector"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"country": "ZZ"}, "country"),
        ({"firm": "nobody"}, "firm"),
    ],
)
def test_unknown_filter_value_is_a_400_naming_the_field(client, params, param):
    StandardVersionFactory(standard__code="CoC", sectors=["post-casthouse"])

    response = client.get("/auditors/", params)

    assert response.status_code == 400
    assert param in response.context["errors"]
    assert 'aria-invalid="true"' in response.content.decode()


def test_parse_filters_collects_every_bad_parameter():
    with pytest.raises(FilterErrors) as caught:
        parse_filters({"standard": "nope", "country": "QQ", "firm": "x"})
    assert set(caught.value.errors) == {"standard", "country", "firm"}


def test_register_paginates_25_a_page_with_page_numbers(client):
    bulk_register(60)

    first = client.get("/auditors/")
    third = client.get("/auditors/", {"page": 3})

    assert len(first.context["page_obj"].object_list) == 25
    assert first.context["page_obj"].paginator.num_pages == 3
    assert len(third.context["page_obj"].object_list) == 10
    html = first.content.decode()
    assert 'href="?page=2"' in html and 'href="?page=3"' in html


def test_pagination_links_keep_the_filter(client):
    bulk_register(30)

    html = client.get("/auditors/", {"standard": "PS"}).content.decode()

    assert 'href="?standard=PS&amp;page=2"' in html


def test_auditor_page_shows_full_scope_and_is_404_when_not_listed(client):
    listed = _auditor("Page Person", scope=[("casthouse", "CN"), ("casthouse", "DE")])
    private = _auditor("Private Person", consent=False)

    response = client.get(reverse("accreditation:register_auditor", args=[listed.auditor.pk]))
    missing = client.get(reverse("accreditation:register_auditor", args=[private.auditor.pk]))

    assert response.status_code == 200
    assert len(response.context["auditor"].register_scope) == 2
    assert "<h1>Page Person</h1>" in response.content.decode()
    assert missing.status_code == 404


def test_firm_page_shows_status_scope_and_listed_auditors(client):
    firm = FirmFactory(name="Scoped Firm", slug="scoped")
    FirmScopeElementFactory(firm=firm, country="CN")
    _auditor("Firm Auditor", firm=firm)

    response = client.get("/auditors/firms/scoped/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Scoped Firm" in html and "Accredited" in html and "China" in html
    assert "Firm Auditor" in html


def test_firm_page_of_a_suspended_firm_says_so(client):
    firm = FirmFactory(slug="paused")
    models.FirmStatusChange.objects.create(
        firm=firm, status="suspended", effective_from=days_from_today(-1), reason="audit"
    )

    response = client.get("/auditors/firms/paused/")

    assert response.status_code == 200
    assert "Suspended" in response.content.decode()
    assert client.get("/auditors/firms/no-such-firm/").status_code == 404


def test_firm_list_filters_on_the_firms_own_scope(client):
    cn = FirmFactory(name="China Certs")
    de = FirmFactory(name="German Certs")
    FirmScopeElementFactory(firm=cn, country="CN")
    FirmScopeElementFactory(firm=de, country="DE")

    response = client.get("/auditors/firms/", {"country": "CN"})

    assert list(response.context["page_obj"].object_list) == [cn]


def _csv(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_streams_exactly_the_current_filter_one_row_per_scope_element(client):
    firm = FirmFactory(name="Csv Firm", slug="csv-firm")
    _auditor("Csv One", firm=firm, scope=[("casthouse", "CN"), ("casthouse", "DE")])
    _auditor("Csv Two", scope=[("casthouse", "CN")])
    _auditor("Csv Hidden", consent=False, scope=[("casthouse", "CN")])

    everything = client.get("/auditors/export.csv")
    filtered = client.get("/auditors/export.csv", {"country": "CN", "firm": "csv-firm"})

    assert everything.streaming
    assert everything["Content-Type"].startswith("text/csv")
    rows = _csv(everything)
    assert rows[0] == [
        "auditor",
        "firms",
        "standard",
        "sector",
        "country",
        "firm",
        "status",
        "valid_from",
        "valid_until",
    ]
    assert [r[0] for r in rows[1:]] == ["Csv One", "Csv One", "Csv Two"]
    assert _csv(filtered)[1:] == [
        [
            "Csv One",
            "Csv Firm",
            "PS",
            "casthouse",
            "CN",
            "Csv Firm",
            "active",
            "2020-01-01",
            "2030-12-31",
        ]
    ]


def test_csv_export_with_a_bad_filter_is_a_400(client):
    response = client.get("/auditors/export.csv", {"country": "XX"})

    assert response.status_code == 400
    assert b"country" in response.content


def test_register_page_links_the_csv_of_the_current_filter(client):
    StandardVersionFactory(standard__code="PS")

    html = client.get("/auditors/", {"standard": "PS", "q": "x"}).content.decode()

    assert 'href="/auditors/export.csv?standard=PS&amp;q=x"' in html


def test_auditor_page_function_shows_requested_page():
    bulk_register(30)

    page = auditor_page(RegisterFilter(), 2)

    assert page.number == 2 and len(page.object_list) == 5
