"""The contact page: a Wagtail form that e-mails the secretariat and keeps each message;
linked from the footer and from pages that say "contact the secretariat"."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from wagtail.contrib.forms.models import FormSubmission

from cms.demo import _contact_page
from cms.models import ContactPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(home):
    cache.clear()
    _contact_page(home, None)
    return ContactPage.objects.get()


def _message(**overrides):
    return {
        "your_name": "Ana Souza",
        "your_e_mail_address": "ana@example.org",
        "subject": "Exam sittings",
        "message": "When are sittings on sale again?",
        **overrides,
    }


def test_a_message_reaches_the_secretariat_and_is_kept(client, contact, settings):
    page = client.get("/contact/")
    assert page.status_code == 200
    assert "Contact the secretariat" in page.content.decode()
    response = client.post("/contact/", _message())
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    (sent,) = mail.outbox
    assert sent.to == [settings.CONTACT_EMAIL]
    assert "When are sittings on sale again?" in sent.body
    submission = FormSubmission.objects.get(page=contact)
    assert submission.get_data()["your_e_mail_address"] == "ana@example.org"


def test_bad_and_hostile_input_keeps_what_was_typed_and_sends_nothing(client, contact):
    response = client.post("/contact/", _message(your_e_mail_address="not an address"))
    assert response.status_code == 200
    assert "When are sittings on sale again?" in response.content.decode()
    too_long = client.post("/contact/", _message(message="x" * 50_000))
    assert "at most 5000 characters" in too_long.content.decode().replace(",", "")
    assert not mail.outbox and not FormSubmission.objects.exists()


def test_one_address_cannot_flood_the_secretariat(contact, settings):
    settings.CONTACT_MESSAGES_PER_HOUR = 2
    client = Client()
    for _ in range(2):
        assert "Thank you" in client.post("/contact/", _message()).content.decode()
    refused = client.post("/contact/", _message())
    assert refused.status_code == 429
    assert len(mail.outbox) == 2


def test_pages_that_say_contact_the_secretariat_link_to_the_form(client, contact, user):
    client.force_login(user)
    denied = client.get("/admin/")
    assert denied.status_code == 403
    assert 'href="/contact/"' in denied.content.decode()
    assert 'href="/contact/"' in client.get("/contact/").content.decode()  # the footer
