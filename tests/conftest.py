import pytest
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
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
    """A client signed in as secretariat staff that has MFA set up."""
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client
