"""Factories for identity. Each app's own factories live in tests/<app>/factories.py."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from lms import roles
from lms.models import MembershipClass, Organisation, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Member Organisation {n}")
    country = "DE"
    membership_class = MembershipClass.INDUSTRIAL_USERS
    membership_active_from = datetime.date(2020, 1, 1)
    membership_active_until = None


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified primary e-mail address and the password ``password123!``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("password123!")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(Group.objects.get(name=extracted))


def _default_role(name: str):
    def add_role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=extracted or name))

    return factory.PostGeneration(add_role)


class MemberFactory(UserFactory):
    """Staff of a member organisation whose membership is active."""

    organisation = factory.SubFactory(OrganisationFactory)
    role = _default_role(roles.MEMBER)


class SecretariatFactory(UserFactory):
    role = _default_role(roles.SECRETARIAT)


# Member organisations' managers and invitations (lms.members).
from django.utils import timezone  # noqa: E402

from lms.models import Invitation, OrganisationRole, hash_invitation_token  # noqa: E402


class ManagerFactory(MemberFactory):
    """A manager of a member organisation whose membership is active."""

    organisation_role = OrganisationRole.MANAGER


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose link carries ``token`` (only its hash is stored)."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    token = factory.Sequence(lambda n: f"invitation-token-{n:04d}-abcdefghijklmnop")
    token_hash = factory.LazyAttribute(lambda o: hash_invitation_token(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
