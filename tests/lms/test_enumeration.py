"""Whether an address has an account shows neither in the answer nor in the work done
(which is what an answer's timing gives away)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks.signals import task_enqueued

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Noor Newcomer",
    "preferred_language": "en",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
    "accept_policies": "on",
}


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how many passwords it hashes or checks."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


@pytest.fixture
def queued_tasks():
    names: list[str] = []

    def collect(sender, task_result, **kwargs):
        names.append(task_result.task.name)

    task_enqueued.connect(collect)
    yield names
    task_enqueued.disconnect(collect)


def sign_up(email: str):
    client = Client()
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": email}, follow=True)
    return response


def test_sign_up_with_a_known_address_does_the_same_work_as_with_a_new_one(
    counting_hasher, queued_tasks
):
    UserFactory(email="known@example.org")
    work = {}
    for email in ("fresh@example.org", "known@example.org"):
        counting_hasher.calls = 0
        queued_tasks.clear()
        mail.outbox.clear()
        response = sign_up(email)
        work[email] = {
            "hashes": counting_hasher.calls,
            "queued": list(queued_tasks),
            "mails_to": [message.to for message in mail.outbox],
            "end": response.redirect_chain,
            "page": response.content.decode().replace(email, "EMAIL"),
        }

    fresh, known = work["fresh@example.org"], work["known@example.org"]
    assert fresh["hashes"] == known["hashes"] == 1
    assert fresh["queued"] == known["queued"] == ["send_account_email"]
    assert fresh["mails_to"] == [["fresh@example.org"]]
    assert known["mails_to"] == [["known@example.org"]]
    assert fresh["end"] == known["end"]
    assert fresh["page"] == known["page"]


def test_the_owner_of_a_known_address_is_told_someone_tried_to_sign_up_with_it():
    UserFactory(email="known@example.org")
    sign_up("known@example.org")
    (message,) = mail.outbox
    assert message.to == ["known@example.org"]
    assert "/accounts/password/reset/" in message.body
    assert "/accounts/confirm-email/" not in message.body


def test_password_reset_does_the_same_work_for_known_and_unknown_addresses(
    counting_hasher, queued_tasks
):
    UserFactory(email="known@example.org")
    work = {}
    for email in ("known@example.org", "nobody@example.org"):
        counting_hasher.calls = 0
        queued_tasks.clear()
        mail.outbox.clear()
        response = Client().post(reverse("account_reset_password"), {"email": email}, follow=True)
        work[email] = (
            counting_hasher.calls,
            list(queued_tasks),
            [message.to for message in mail.outbox],
            response.redirect_chain,
            response.content.decode().replace(email, "EMAIL"),
        )
    known, unknown = work["known@example.org"], work["nobody@example.org"]
    assert known[0] == unknown[0]
    assert known[1] == unknown[1] == ["send_account_email"]
    assert known[2] == [["known@example.org"]] and unknown[2] == [["nobody@example.org"]]
    assert known[3] == unknown[3]
    assert known[4] == unknown[4]


def test_login_with_an_unknown_address_checks_as_many_passwords_as_a_wrong_password(
    counting_hasher,
):
    UserFactory(email="known@example.org", password="a-long-pass-phrase")
    counting_hasher.calls = 0
    Client().post(reverse("account_login"), {"login": "known@example.org", "password": "wrong-1"})
    wrong_password = counting_hasher.calls
    counting_hasher.calls = 0
    Client().post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong-1"})
    assert counting_hasher.calls == wrong_password >= 1
