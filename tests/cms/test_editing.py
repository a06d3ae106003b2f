"""Editors' side: alt text required on images, the moderation workflow."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection

from cms.models import ContentPage, HomePage
from tests.factories import SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    return buffer.getvalue()


def _image_form(description: str):
    form_class = get_image_form(get_image_model())
    data = {
        "title": "Potline",
        "description": description,
        "collection": Collection.get_first_root_node().pk,
        "tags": "",
        "focal_point_x": "",
        "focal_point_y": "",
        "focal_point_width": "",
        "focal_point_height": "",
    }
    files = {"file": SimpleUploadedFile("potline.png", _png(), content_type="image/png")}
    return form_class(data=data, files=files, user=SecretariatFactory())


def test_an_image_without_alt_text_is_refused():
    form = _image_form("")

    assert not form.is_valid()
    assert "description" in form.errors


def test_an_image_with_alt_text_is_accepted():
    assert _image_form("Potline of a smelter").is_valid()


def test_pages_go_through_secretariat_approval():
    home = HomePage.objects.get()
    workflow = home.get_workflow()

    assert workflow.name == "Secretariat approval"
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Secretariat"]


def test_editor_submits_and_secretariat_approval_publishes():
    home = HomePage.objects.get()
    editor = UserFactory(role="Editors")
    approver = SecretariatFactory()
    page = ContentPage(title="Draft guidance", slug="draft-guidance", live=False)
    home.add_child(instance=page)
    page.save_revision(user=editor)

    state = page.get_workflow().start(page, editor)
    task_state = state.current_task_state
    task = task_state.task.specific

    assert task.user_can_access_editor(page, approver)
    assert not task.get_actions(page, editor)  # an editor cannot approve
    task.on_action(task_state, approver, "approve")

    page.refresh_from_db()
    assert page.live
    assert Group.objects.filter(name="Editors").exists()
