"""Builders for cms pages and media. Pages are made with treebeard's add_child and
published, the way an editor's "Publish" leaves them."""

from __future__ import annotations

import datetime
import io
import itertools

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.models import LearningModulePage, Person, RecordingPage, Visibility

_counter = itertools.count(1)


def make_document(title: str = "Slides", name: str = "slides.pdf", content: bytes = b"%PDF-1.4"):
    document = get_document_model()(title=title, file=ContentFile(content, name=name))
    document.save()
    return document


def make_image(title: str = "Picture", description: str = "A picture"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (14, 94, 111)).save(buffer, "PNG")
    image = get_image_model()(
        title=title, description=description, file=ImageFile(buffer, name="picture.png")
    )
    image.save()
    return image


def add_page(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_module(parent, **fields) -> LearningModulePage:
    n = next(_counter)
    defaults = {
        "title": f"Module {n}",
        "slug": f"module-{n}",
        "summary": "What the module covers.",
        "visibility": Visibility.PUBLIC,
    }
    return add_page(parent, LearningModulePage(**{**defaults, **fields}))


def make_recording(
    parent, *, speakers: int = 0, topics=(), photos: bool = False, **fields
) -> RecordingPage:
    n = next(_counter)
    defaults = {
        "title": f"45 minutes on topic {n}",
        "slug": f"recording-{n}",
        "summary": "A session.",
        "session_date": datetime.date(2025, 3, 1),
        "session_time": datetime.time(14, 0),
        "time_zone": "Europe/Berlin",
        "visibility": Visibility.PUBLIC,
    }
    recording = RecordingPage(**{**defaults, **fields})
    parent.add_child(instance=recording)
    for i in range(speakers):
        photo = make_image(f"Speaker {n}-{i}", "Portrait") if photos else None
        person = Person.objects.create(name=f"Speaker {n}-{i}", organisation="Org", photo=photo)
        recording.speakers.create(person=person, sort_order=i)
    if topics:
        recording.topics.add(*topics)
    recording.save_revision().publish()
    recording.refresh_from_db()
    return recording
