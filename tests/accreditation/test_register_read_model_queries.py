"""Today's register reads its read model: a fixed number of queries at any size, and none of
them evaluates history (status changes, firm periods) per request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation import models
from tests.accreditation.register_helpers import bulk_register

pytestmark = pytest.mark.django_db

# reference data 3, ids of the listed auditors 1, the page's profiles 1, scope 1, firms 1
LIST = 7
URLS = {
    "/auditors/": LIST,
    "/auditors/?standard=PS&country=DE&page=2": LIST,
    "/api/v1/auditors": LIST,
    "/api/v1/auditors?sector=casthouse&firm=bulk-firm-1": LIST,
    "/auditors/export.csv?country=CN": 5,  # reference 3, firms 1, rows 1
    "/auditors/firms/bulk-firm-0/": 6,  # firm 1, its scope 1, auditors' page 4
}
HISTORY_TABLES = (
    "accreditation_scopestatuschange",
    "accreditation_firmstatuschange",
    "accreditation_firmaccreditationperiod",
    "accreditation_affiliation",
)


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _measure(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries if "lms_cache" not in q["sql"]]


@pytest.mark.parametrize("count", [30, 300])
def test_register_list_api_csv_and_firm_page_cost_fixed_queries_at_any_size(
    client, no_cache, count
):
    bulk_register(count, firms=3)
    assert models.RegisterEntry.objects.count() == count

    measured = {url: _measure(client, url) for url in URLS}

    assert {url: len(sql) for url, sql in measured.items()} == URLS
    listing = measured["/auditors/"] + measured["/api/v1/auditors"]
    # The list itself is the read model's: no history evaluated (the firm names shown
    # come from the confirmed affiliations, one query for the page).
    assert [sql for sql in listing if any(t in sql for t in HISTORY_TABLES[:3])] == []
    assert sum("accreditation_affiliation" in sql for sql in measured["/auditors/"]) == 1
