"""The register pages make a constant number of queries, at 100 and 5,000 auditors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation import models
from tests.accreditation.factories import DEFAULT_FROM
from tests.accreditation.register_helpers import COUNTRIES, SECTORS, bulk_register

pytestmark = pytest.mark.django_db

# Reference data (standards, sectors, firms) 3; ids of listed auditors 1; the page's
# profiles 1, scope 1 and firms 1.
LIST_QUERIES = 7
# A search (``q``) on an HTML tab also counts the other tab's matches, for its link: 1 more.
PAGES = {
    "/auditors/": LIST_QUERIES,
    "/auditors/?standard=PS&sector=casthouse&country=CN&q=auditor": LIST_QUERIES + 1,
    "/auditors/?q=firm": LIST_QUERIES + 1,  # every auditor, by the name of their firm
    "/auditors/?page=3": LIST_QUERIES,
    "/auditors/firms/": 6,  # reference 3, count 1, page 1, firm scope 1
    "/auditors/firms/?q=firm": 7,  # and the auditors matching
    "/auditors/export.csv": 5,  # reference 3, firms of every auditor 1, rows 1
    "/api/v1/auditors?standard=PS": LIST_QUERIES,
    "/api/v1/auditors?q=firm": LIST_QUERIES,  # the API does not count the other kind
    "/api/v1/firms": 6,
}
# The search box redirects to a tab: reference 3, then "any match?" on the tab searched
# from 1, and on the other tab 1 when the first has none.
SEARCHES = {
    "/auditors/search/?q=auditor": 4,
    "/auditors/search/?q=firm&tab=firms": 4,
    "/auditors/search/?q=nobody": 5,
}


def _queries(client, url, status=200) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == status, url
    return len([q for q in captured.captured_queries if "lms_cache" not in q["sql"]])


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.mark.parametrize("count", [100, 5000])
def test_register_pages_make_the_same_number_of_queries_whatever_the_register_size(
    client, no_cache, count, django_assert_num_queries
):
    profiles = bulk_register(count, firms=8)
    sectors = models.Sector.objects.filter(standard__code="PS", slug__in=SECTORS)
    models.FirmScopeElement.objects.bulk_create(
        models.FirmScopeElement(firm=firm, sector=sector, country=country, valid_from=DEFAULT_FROM)
        for firm in models.AuditFirm.objects.all()
        for sector in sectors
        for country in COUNTRIES
    )
    if connection.vendor == "postgresql":  # planner statistics, as a live database has them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    measured = {url: _queries(client, url) for url in PAGES}
    searches = {url: _queries(client, url, status=302) for url in SEARCHES}
    detail_url = f"/auditors/{profiles[count // 2].pk}/"
    firm_url = f"/auditors/firms/{models.AuditFirm.objects.first().slug}/"
    measured[detail_url] = _queries(client, detail_url)
    measured[firm_url] = _queries(client, firm_url)

    assert measured == {**PAGES, detail_url: 3, firm_url: 6}
    assert searches == SEARCHES
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/auditors/?page=2").status_code == 200
