import time

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from tests.factories import MemberFactory, SecretariatFactory, UserFactory

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keeps the serialized start state reachable from every connection object.

    Playwright's sync API switches contexts, and Django keeps connections per context, so
    a browser test can end up with a fresh connection object that lacks the serialized
    data the test database was created with; serialized rollback would then restore
    nothing. Storing it on the connection class makes it visible to every instance.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
    yield


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
