import datetime

import pytest

from cms.models import HomePage, LearningModuleIndexPage, RecordingIndexPage
from tests.cms.factories import add_page
from tests.factories import MemberFactory, OrganisationFactory, UserFactory


@pytest.fixture
def home(db) -> HomePage:
    """The home page the migrations make the site root."""
    return HomePage.objects.get()


@pytest.fixture
def learning_index(home) -> LearningModuleIndexPage:
    return add_page(home, LearningModuleIndexPage(title="Learning modules", slug="learning"))


@pytest.fixture
def recording_index(home) -> RecordingIndexPage:
    return add_page(home, RecordingIndexPage(title="45 minutes on …", slug="recordings"))


@pytest.fixture
def lapsed_member(db):
    """Someone whose organisation's membership ended."""
    organisation = OrganisationFactory(
        membership_active_from=datetime.date(2019, 1, 1),
        membership_active_until=datetime.date(2021, 12, 31),
    )
    return MemberFactory(organisation=organisation)


@pytest.fixture
def non_member(db):
    return UserFactory()
