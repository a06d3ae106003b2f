"""No published page shows an image without alternative text.

Wagtail 8's multiple upload (/admin/images/multiple/add/) first validates the file with
the full image form; because that form requires the description (alt text), the upload
is held as an ``UploadedFile`` and the image is only created once its own form, alt text
included, is filled in. Images that lack alt text anyway (older ones, or made outside the
admin) are listed on the admin dashboard and cannot be saved into a page.
"""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.blocks import ImageBlock
from cms.models import ContentPage, Person, RecordingPage
from tests.cms.factories import make_image

pytestmark = pytest.mark.django_db

Image = get_image_model()


def _png() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(client) -> dict:
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("potline.png", _png(), content_type="image/png")},
    )
    assert response.status_code == 200
    return json.loads(response.content)


def _image_fields(prefix: str, description: str) -> dict:
    return {
        f"{prefix}-title": "Potline",
        f"{prefix}-description": description,
        f"{prefix}-collection": Collection.get_first_root_node().pk,
        f"{prefix}-tags": "",
    }


# --- the multiple upload ----------------------------------------------------------------


def test_multiple_upload_creates_no_image_before_alt_text_is_given(staff_client):
    data = _upload(staff_client)

    assert data["success"]
    assert "uploaded_file_id" in data  # held as an upload, not yet an image
    assert not Image.objects.exists()
    assert UploadedFile.objects.count() == 1
    assert "Alternative text" in data["form"]


def test_multiple_upload_refuses_to_create_the_image_without_alt_text(staff_client):
    upload_id = _upload(staff_client)["uploaded_file_id"]

    response = staff_client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload_id]),
        _image_fields(f"uploaded-image-{upload_id}", "  "),
    )

    data = json.loads(response.content)
    assert not data["success"]
    assert "This field is required" in data["form"]
    assert not Image.objects.exists()


def test_multiple_upload_creates_the_image_with_its_alt_text(staff_client):
    upload_id = _upload(staff_client)["uploaded_file_id"]

    response = staff_client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload_id]),
        _image_fields(f"uploaded-image-{upload_id}", "Potline of a smelter"),
    )

    assert json.loads(response.content)["success"]
    assert Image.objects.get().description == "Potline of a smelter"
    assert not UploadedFile.objects.exists()


def test_multiple_upload_edit_form_will_not_clear_the_alt_text(staff_client):
    image = make_image("Potline", "Potline of a smelter")

    response = staff_client.post(
        reverse("wagtailimages:edit_multiple", args=[image.pk]),
        _image_fields(f"image-{image.pk}", ""),
    )

    assert not json.loads(response.content)["success"]
    image.refresh_from_db()
    assert image.description == "Potline of a smelter"


# --- images that lack alt text anyway ---------------------------------------------------


@pytest.fixture
def bare_image():
    """An image from before alt text was required."""
    return make_image("IMG_0042.png", description="")


def test_an_image_block_refuses_an_image_without_alt_text(bare_image):
    with pytest.raises(blocks.StructBlockValidationError) as refused:
        ImageBlock().clean({"image": bare_image, "caption": ""})

    assert "has no alternative text" in str(refused.value.block_errors["image"])


def test_an_image_block_accepts_an_image_with_alt_text():
    image = make_image("Potline", "Potline of a smelter")

    assert ImageBlock().clean({"image": image, "caption": ""})["image"] == image


def _content_page_data(image, slug: str) -> dict:
    return nested_form_data(
        {
            "title": "Smelting explained",
            "slug": slug,
            "intro": "",
            "visibility": "public",
            "body": streamfield([("image", {"image": image.pk, "caption": ""})]),
            "action-publish": "action-publish",
        }
    )


def test_a_page_showing_an_image_without_alt_text_cannot_be_published(
    home, bare_image, staff_client
):
    url = reverse("wagtailadmin_pages:add", args=["cms", "contentpage", home.pk])

    response = staff_client.post(url, _content_page_data(bare_image, "smelting"))

    assert response.status_code == 200  # the form again, with the error
    # Block errors reach the editor as JSON in the StreamField's data attribute.
    assert "IMG_0042.png\\u201d has no alternative text" in response.content.decode()
    assert not ContentPage.objects.filter(slug="smelting").exists()


def test_a_page_showing_images_with_alt_text_is_published(home, staff_client):
    image = make_image("Potline", "Potline of a smelter")
    url = reverse("wagtailadmin_pages:add", args=["cms", "contentpage", home.pk])

    response = staff_client.post(url, _content_page_data(image, "smelting"))

    assert response.status_code == 302
    assert ContentPage.objects.get(slug="smelting").live


def test_a_speaker_photo_needs_alt_text(bare_image):
    person = Person(name="Ana Example", photo=bare_image)

    with pytest.raises(ValidationError) as refused:
        person.full_clean()

    assert "photo" in refused.value.message_dict


def test_a_recording_cannot_show_a_speaker_whose_photo_lacks_alt_text(
    recording_index, bare_image, staff_client
):
    person = Person.objects.create(name="Ana Example", photo=bare_image)  # an older speaker
    data = nested_form_data(
        {
            "title": "45 minutes on potlines",
            "slug": "potlines",
            "summary": "Potlines.",
            "session_date": "2026-03-10",
            "session_time": "15:30",
            "time_zone": "Europe/London",
            "duration_minutes": "45",
            "visibility": "public",
            "speakers": inline_formset([{"person": person.pk}]),
            "chapters": inline_formset([]),
            "body": streamfield([]),
            "action-publish": "action-publish",
        }
    )

    response = staff_client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "recordingpage", recording_index.pk]),
        data,
    )

    assert response.status_code == 200
    assert "has no alternative text" in response.content.decode()
    assert not RecordingPage.objects.filter(slug="potlines").exists()


def test_the_admin_dashboard_lists_images_without_alt_text(bare_image, staff_client):
    make_image("Potline", "Potline of a smelter")

    body = staff_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Images without alternative text" in body
    assert "IMG_0042.png" in body
    assert reverse("wagtailimages:edit", args=[bare_image.pk]) in body
    assert "Potline" not in body


def test_the_admin_dashboard_says_nothing_when_every_image_has_alt_text(staff_client):
    make_image("Potline", "Potline of a smelter")

    body = staff_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Images without alternative text" not in body
