import re
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from tests.factories import MemberFactory, SecretariatFactory, UserFactory

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The authenticator code of this 30-second window (what a phone shows now). The test
    settings accept the next window's code as well (``MFA_TOTP_TOLERANCE``): on a loaded
    machine the window may turn between computing the code and checking it."""
    from allauth.mfa.totp.internal.auth import hotp_value

    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate-limit counters and cached pages must not leak from one test to the next.

    The default cache is the database cache (or Redis), so only tests with database
    access can touch it.
    """
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        yield
        return
    # A test that asks for the database only by argument gets it set up before the cache
    # table is touched (autouse fixtures would otherwise run first).
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    request.getfixturevalue("_start_state_for_the_next_run")
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def login_with_mfa(client: Client, user) -> Client:
    """Signs ``user`` in on ``client`` as a login that passed the second factor.

    Staff reach staff tools only from a session that passed it (lms/middleware.py), so
    tests that sign staff in use this instead of ``client.force_login``. The session
    carries what allauth records after a password and a TOTP code.
    """
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def media_folders(settings, tmp_path):
    """Public media and the private storage in this test's own folders."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")


@pytest.fixture
def debug_urls(settings):
    """The site's real URL map as the development server builds it (DEBUG on)."""
    import importlib.util

    import lms.urls

    settings.DEBUG = True
    spec = importlib.util.spec_from_file_location("lms_urls_in_debug", lms.urls.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = module
    return module


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def staff_user(db):
    """Secretariat staff with TOTP set up."""
    person = SecretariatFactory()
    TOTP.activate(person, TEST_TOTP_SECRET)
    return person


@pytest.fixture
def staff_client(staff_user) -> Client:
    """A client signed in as secretariat staff, with password and TOTP code."""
    return login_with_mfa(Client(), staff_user)


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture(scope="session", autouse=True)
def _redis_database_per_worker(request):
    """With the Redis cache, each parallel worker gets a Redis database of its own (the URL's
    number, then the ones below it): clearing the cache between tests empties the whole
    database, which must not be another worker's."""
    from django.conf import settings
    from django.test import override_settings

    worker = getattr(request.config, "workerinput", {}).get("workerid")
    default = settings.CACHES["default"]
    if not worker or "redis" not in default["BACKEND"].lower():
        yield
        return
    url = urlsplit(default["LOCATION"])
    number = (int(url.path.strip("/") or 0) - int(worker.removeprefix("gw"))) % 16
    location = urlunsplit(url._replace(path=f"/{number}"))
    caches = {
        name: {**cache, "LOCATION": location}
        if cache.get("LOCATION") == default["LOCATION"]
        else cache
        for name, cache in settings.CACHES.items()
    }
    with override_settings(CACHES=caches):
        yield


# --- The test database: migrated once, kept between runs with --reuse-db --------------------
#
# The data migrations create the start state every test relies on: role groups, the Wagtail
# site and home page, the standards and sectors. A test that runs in a transaction (the usual
# kind) never changes it. A transactional test (browser journeys, races between threads) ends
# with a flush of every table; Django's serialized rollback puts the start state back before
# the next such test (see pytest_collection_modifyitems), and at the end of a run that keeps
# the database it is put back once more, so that the next run starts from it too.

KEPT_DATABASES = Path(__file__).resolve().parents[1] / "test-artifacts" / "test-databases"


def _worker(config) -> str:
    return getattr(config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def _in_use_marker(request, django_db_modify_db_settings) -> Path:
    """A file that exists while a run uses this worker's kept database: one found at the
    start means the last run was interrupted before it could put the start state back."""
    from django.conf import settings

    database = settings.DATABASES["default"]  # before set-up: NAME is the configured one
    name = re.sub(r"[^\w.-]+", "_", f"{database['ENGINE']}-{database['NAME']}")
    return KEPT_DATABASES / f"{name}-{_worker(request.config)}.in-use"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """With --reuse-db the SQLite test database is a file (an in-memory one dies with the
    run), one per xdist worker, under test-artifacts/test-databases/."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if request.config.getvalue("reuse_db") and database["ENGINE"].endswith("sqlite3"):
        KEPT_DATABASES.mkdir(parents=True, exist_ok=True)
        database.setdefault("TEST", {})["NAME"] = str(
            KEPT_DATABASES / f"sqlite-{_worker(request.config)}.sqlite3"
        )


@pytest.fixture(scope="session")
def django_db_createdb(request, _in_use_marker) -> bool:
    """--create-db, or a kept database that an interrupted run may have left flushed."""
    if request.config.getvalue("create_db"):
        return True
    return bool(request.config.getvalue("reuse_db")) and _in_use_marker.exists()


@pytest.fixture(scope="session")
def _start_state_for_the_next_run(request, _in_use_marker, django_db_setup, django_db_blocker):
    """With --reuse-db: keeps what the migrations created, and writes it back at the end of
    the run over whatever the last transactional test's flush left."""
    if not request.config.getvalue("reuse_db"):
        yield
        return
    from django.db import connections

    _in_use_marker.parent.mkdir(parents=True, exist_ok=True)
    _in_use_marker.touch()
    with django_db_blocker.unblock():
        start = {
            alias: connections[alias].creation.serialize_db_to_string() for alias in connections
        }
    yield
    with django_db_blocker.unblock():
        for alias, data in start.items():
            connections[alias].creation.deserialize_db_from_string(data)
    _in_use_marker.unlink()


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete_on_postgresql():
    """The flush that ends each transactional test empties every table with DELETE instead
    of PostgreSQL's TRUNCATE. The tables hold a handful of rows, and TRUNCATE of some 160
    tables gives each of them and its indexes new files, written to disk at commit: 1.5 to
    4 s a test (more on a busy machine) where DELETE takes a fraction of a second. Every
    foreign key is deferred to the commit (Django makes them so), by which time every table
    is empty; a flush that resets sequences or cascades keeps TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


def pytest_collection_modifyitems(items):
    """Transactional tests (browser journeys, concurrency) end with a flush of every table,
    which would also remove what data migrations created: role groups, the Wagtail site and
    home page, the standards. Serialized rollback puts that data back for the next test."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            # Prepended, so that it is the closest marker: a marker appended after the
            # test's own @pytest.mark.django_db(transaction=True) would be ignored, and that
            # test would start on the emptied tables the previous serialized test's flush left.
            item.add_marker(
                pytest.mark.django_db(**marker.kwargs, serialized_rollback=True), append=False
            )


@pytest.fixture(autouse=True)
def _default_language_between_tests():
    """A request to /fr/... leaves French active in the thread (LocaleMiddleware activates,
    nothing deactivates), and ``reverse()`` would then prefix every URL of the next test:
    each test starts and ends in the default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
