"""The firm list and firm pages show the firm's own scope today; the demo firms have one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation import models
from accreditation.register import group_firm_scope
from lms.formats import local_date
from tests.accreditation.factories import (
    AccreditationFactory,
    AuditorFactory,
    FirmFactory,
    FirmScopeElementFactory,
    sector_for,
)
from tests.accreditation.register_helpers import days_from_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _scope(firm, standard, sector, countries, **dates):
    for country in countries:
        FirmScopeElementFactory(
            firm=firm, sector=sector_for(standard, sector), country=country, **dates
        )


@pytest.fixture
def scoped_firm():
    firm = FirmFactory(name="Scoped Certification", slug="scoped")
    _scope(firm, "CoC", "casthouse", ["NO", "DE", "FR"])
    _scope(firm, "PS", "aluminium-smelting", ["IS"])
    # Not today: ended yesterday, starts tomorrow.
    _scope(firm, "PS", "bauxite-mining", ["GN"], valid_until=days_from_today(-1))
    _scope(firm, "PS", "alumina-refining", ["BR"], valid_from=days_from_today(1))
    return firm


def _scope_lines(html: str) -> list[str]:
    block = html.split('<ul class="register-scope">', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<li>(.*?)</li>", block)]


def test_the_firm_page_shows_todays_scope_one_line_per_sector_with_its_countries(
    client, scoped_firm
):
    html = client.get("/auditors/firms/scoped/").content.decode()

    assert _scope_lines(html) == [
        "CoC · Casthouse · France, Germany, Norway",
        "PS · Aluminium smelting · Iceland",
    ]
    assert "Guinea" not in html and "Brazil" not in html
    assert "No scope recorded for today." not in html


def test_the_firm_list_shows_each_firms_scope_today(client, scoped_firm):
    bare = FirmFactory(name="Bare Firm")

    response = client.get("/auditors/firms/")
    html = response.content.decode()

    assert [f.name for f in response.context["page_obj"].object_list] == [
        bare.name,
        "Scoped Certification",
    ]
    row = html.split("Scoped Certification</a>", 1)[1].split("</tr>", 1)[0]
    assert _scope_lines(row) == [
        "CoC · Casthouse · France, Germany, Norway",
        "PS · Aluminium smelting · Iceland",
    ]
    bare_row = html.split("Bare Firm</a>", 1)[1].split("</tr>", 1)[0]
    assert "No scope recorded for today." in bare_row


def test_a_scope_line_with_an_end_date_says_until_when(client):
    firm = FirmFactory(slug="ending")
    _scope(firm, "PS", "casthouse", ["CN"], valid_until=days_from_today(30))

    html = client.get("/auditors/firms/ending/").content.decode()

    assert f"until {local_date(days_from_today(30))}" in html


def test_grouping_keeps_different_end_dates_apart():
    standard = sector_for("PS", "casthouse").standard
    sector = sector_for(standard, "casthouse")
    elements = [
        models.FirmScopeElement(sector=sector, country="DE", valid_from=datetime.date(2020, 1, 1)),
        models.FirmScopeElement(sector=sector, country="AT", valid_from=datetime.date(2020, 1, 1)),
        models.FirmScopeElement(
            sector=sector,
            country="CN",
            valid_from=datetime.date(2020, 1, 1),
            valid_until=datetime.date(2031, 1, 1),
        ),
    ]

    groups = group_firm_scope(elements)

    assert [([c.code for c in g.countries], g.valid_until) for g in groups] == [
        (["AT", "DE"], None),
        (["CN"], datetime.date(2031, 1, 1)),
    ]


def test_the_api_firms_scope_is_the_same_scope(client, scoped_firm):
    (item,) = client.get("/api/v1/firms", {"q": "scoped"}).json()["items"]

    assert sorted((s["standard"], s["sector"], s["country"]) for s in item["scope"]) == [
        ("CoC", "casthouse", "DE"),
        ("CoC", "casthouse", "FR"),
        ("CoC", "casthouse", "NO"),
        ("PS", "aluminium-smelting", "IS"),
    ]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len([q for q in captured.captured_queries if "lms_cache" not in q["sql"]])


def test_firm_list_and_page_cost_the_same_queries_with_1_or_12_scoped_firms(client, no_cache):
    def world(n):
        for _i in range(n):
            firm = FirmFactory()
            _scope(firm, "PS", "casthouse", ["CN", "DE", "NO"])
            _scope(firm, "CoC", "casthouse", ["BR", "GN"])
            AccreditationFactory(auditor=AuditorFactory(), firm=firm)
        return firm

    firm = world(1)
    small = (_count(client, "/auditors/firms/"), _count(client, f"/auditors/firms/{firm.slug}/"))
    firm = world(11)
    large = (_count(client, "/auditors/firms/"), _count(client, f"/auditors/firms/{firm.slug}/"))

    assert small == large == (6, 6)


# --- The demo firms' scope ----------------------------------------------------------------


def _seed():
    from accreditation import demo
    from lms import demo as lms_demo

    lms_demo.seed()
    demo.seed()


def _scope_rows():
    return sorted(
        models.FirmScopeElement.objects.values_list(
            "pk", "firm__slug", "sector__slug", "country", "valid_from", "valid_until"
        )
    )


def test_every_demo_firm_has_a_scope_and_seeding_twice_changes_nothing(client):
    _seed()
    rows = _scope_rows()

    _seed()

    assert _scope_rows() == rows
    slugs = {slug for _pk, slug, *_rest in rows}
    assert slugs == {"nordic-certification", "andes-assurance", "guinea-audit", "legacy-register"}
    html = client.get("/auditors/firms/nordic-certification/").content.decode()
    assert _scope_lines(html) == [
        "CoC · Casthouse · France, Germany, Iceland, Norway, Poland, Sweden",
        "CoC · Post-casthouse (semi-fabrication, material conversion, other manufacturing or "
        "sale) · Germany, Norway, Sweden",
        "PS · Aluminium smelting · Iceland, Norway",
        "PS · Casthouse · Norway, Sweden",
        "PS · Semi-fabrication · Norway, Sweden",
    ]
    assert "No scope recorded for today." not in client.get("/auditors/firms/").content.decode()


def test_the_demo_firm_scope_covers_every_demo_auditor_it_lists(client):
    """The firm's own scope must cover its auditors' scope, or they would leave the register:
    the demo keeps the same listed auditors and the same scope it had without firm scope."""
    _seed()
    names = {
        a.user.full_name: len(a.register_scope)
        for a in client.get("/auditors/").context["page_obj"].object_list
    }
    # Ade: 2 sectors x 3 countries; Elin: 2; Rui: 3 less France; Lena (imported): 2.
    assert names == {"Ade Auditor": 6, "Elin Expiring": 2, "Rui Reduced": 2, "Lena Legacy": 2}
    austria = client.get("/auditors/firms/", {"standard": "CoC", "country": "AT"})
    assert [f.slug for f in austria.context["page_obj"].object_list] == ["legacy-register"]
