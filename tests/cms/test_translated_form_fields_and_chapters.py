"""The contact form's labels and a recording's chapter titles are translated with their page
(wagtail-localize, as every other word of a page): a French reader reads French labels and
chapter titles. What is not words stays the same in every language: a field's kind, its
name in the stored submissions, whether it is required, a chapter's time."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Locale

from cms.demo import _contact_page
from cms.models import ContactFormField, ContactPage, RecordingChapter
from cms.translations import translate_through_po
from tests.cms.factories import make_recording

FRENCH_LABELS = {
    "Your name": "Votre nom",
    "Your e-mail address": "Votre adresse e-mail",
    "Subject": "Objet",
    "Message": "Message",
}


@pytest.fixture
def fr() -> Locale:
    return Locale.objects.get(language_code="fr")


@pytest.fixture
def contact(home):
    cache.clear()
    _contact_page(home, None)
    return ContactPage.objects.get()


def _get(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_the_contact_form_is_shown_with_its_translated_labels(home, contact, fr):
    translate_through_po(home, fr, {})
    french, _made = translate_through_po(contact, fr, FRENCH_LABELS)

    body = _get("/fr/contact/")
    assert "Votre nom" in body and "Votre adresse e-mail" in body and "Objet" in body
    assert "Your name" not in body
    assert "Your name" in _get("/contact/")

    english_fields = list(contact.form_fields.order_by("sort_order"))
    french_fields = list(french.form_fields.order_by("sort_order"))
    assert [f.translation_key for f in french_fields] == [f.translation_key for f in english_fields]
    for english, translated in zip(english_fields, french_fields, strict=True):
        assert translated.locale == fr
        assert (translated.clean_name, translated.field_type, translated.required) == (
            english.clean_name,
            english.field_type,
            english.required,
        )


@pytest.mark.django_db
def test_a_message_sent_in_french_is_stored_under_the_same_field_names(home, contact, fr):
    translate_through_po(home, fr, {})
    french, _made = translate_through_po(contact, fr, FRENCH_LABELS)
    message = {
        "your_name": "Ana Souza",
        "your_e_mail_address": "ana@example.org",
        "subject": "Sessions d'examen",
        "message": "Quand les sessions sont-elles en vente ?",
    }
    response = Client().post("/fr/contact/", message)
    assert response.status_code == 200
    submission = FormSubmission.objects.get(page=french)
    assert submission.get_data()["your_e_mail_address"] == "ana@example.org"


@pytest.mark.django_db
def test_chapter_titles_are_shown_in_the_readers_language(recording_index, fr):
    recording = make_recording(recording_index, video_url="https://video.example.org/45")
    recording.chapters.create(timestamp="0:00", title="Welcome", sort_order=0)
    recording.chapters.create(timestamp="12:30", title="Scope of the standard", sort_order=1)
    recording.save_revision().publish()
    translate_through_po(recording_index.get_parent().specific, fr, {})
    translate_through_po(recording_index, fr, {})
    translate_through_po(
        recording, fr, {"Welcome": "Bienvenue", "Scope of the standard": "Périmètre de la norme"}
    )

    body = _get(f"/fr/recordings/{recording.slug}/")
    assert "Bienvenue" in body and "Périmètre de la norme" in body
    assert "Scope of the standard" not in body
    assert "Scope of the standard" in _get(f"/recordings/{recording.slug}/")
    french = recording.get_translation(fr)
    assert [(c.timestamp, c.locale_id) for c in french.chapters.order_by("sort_order")] == [
        ("0:00", fr.pk),
        ("12:30", fr.pk),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_the_rows_of_pages_translated_before_it(home, recording_index, fr):
    """Rows written before the fields existed: each gets its page's language, and the rows
    of a French copy the keys of the English page's rows at the same place."""
    cache.clear()
    _contact_page(home, None)
    contact = ContactPage.objects.get()
    recording = make_recording(recording_index, video_url="https://video.example.org/45")
    for index, title in enumerate(["Welcome", "Scope", "Questions"]):
        recording.chapters.create(timestamp=f"{index * 10}:00", title=title, sort_order=index)
    recording.save_revision().publish()
    translate_through_po(home, fr, {})
    french, _made = translate_through_po(contact, fr, {})
    translate_through_po(recording_index, fr, {})
    french_recording, _made = translate_through_po(recording, fr, {})
    executor = MigrationExecutor(connection)
    executor.migrate([("cms", "0011_person_translatable")])
    try:
        old_apps = executor.loader.project_state([("cms", "0011_person_translatable")]).apps
        Field = old_apps.get_model("cms", "ContactFormField")
        assert Field.objects.filter(page_id=french.pk).count() == 4  # the copies are there
        executor = MigrationExecutor(connection)
        executor.migrate([("cms", "0013_translatable_form_fields_and_chapters")])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    english = list(ContactFormField.objects.filter(page=contact).order_by("sort_order"))
    copies = list(ContactFormField.objects.filter(page=french).order_by("sort_order"))
    assert {f.locale.language_code for f in english} == {"en"}
    assert {f.locale.language_code for f in copies} == {"fr"}
    assert [f.translation_key for f in copies] == [f.translation_key for f in english]
    assert len({f.translation_key for f in english}) == 4
    chapters = list(RecordingChapter.objects.filter(page=recording).order_by("sort_order"))
    copied = list(RecordingChapter.objects.filter(page=french_recording).order_by("sort_order"))
    assert [c.locale_id for c in copied] == [fr.pk] * 3
    assert [c.translation_key for c in copied] == [c.translation_key for c in chapters]
