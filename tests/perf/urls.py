"""The site's URL map with the benchmarks' bare views in front (``tests/perf/settings.py``).

``/perf/bare/`` returns a fixed response; ``/perf/bare-write/`` (POST) inserts one row and
commits. Both go through every middleware of the site (session, CSRF, authentication,
second-factor check, ...), so a ratio to them measures what the site's own view adds.
The table is the benchmark's (``BARE_WRITE_TABLE``), made by ``tests/perf/_server.py``.
"""

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from lms.urls import handler500
from lms.urls import urlpatterns as site_urlpatterns

BARE_WRITE_TABLE = "perf_bare_write"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@require_POST
def bare_write(request: HttpRequest) -> HttpResponse:
    """One INSERT in its own transaction, committed before the answer (as a save is)."""
    user_id = request.user.pk if request.user.is_authenticated else None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_WRITE_TABLE} (user_id, created_at) VALUES (%s, now())",  # noqa: S608
            [user_id],
        )
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("perf/bare/", bare, name="perf_bare"),
    path("perf/bare-write/", bare_write, name="perf_bare_write"),
    *site_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
