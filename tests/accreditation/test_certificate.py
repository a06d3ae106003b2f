"""The accreditation certificate PDF shows today's status and scope, with a QR code."""

import base64
import re
import zlib

import pytest

from accreditation import certificates, models
from accreditation.selectors import accreditation_by_code
from tests.accreditation.factories import AccreditationFactory, AuditorFactory, FirmFactory
from tests.accreditation.register_helpers import days_from_today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _decode_stream(stream: bytes) -> str:
    data = stream.strip()
    if data.endswith(b"~>"):  # reportlab's ASCII85 + Flate page streams
        data = zlib.decompress(base64.a85decode(data[:-2]))
    return data.decode("latin-1")


def pdf_text(data: bytes) -> str:
    """The text and drawing operators of a reportlab PDF (its page streams, decoded)."""
    return "\n".join(
        _decode_stream(stream) for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S)
    )


@pytest.fixture
def accreditation(db):
    return AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Pia Pdf"),
        firm=FirmFactory(name="Pdf Firm"),
        scope=[("casthouse", "CN"), ("casthouse", "DE")],
    )


def test_holder_downloads_a_pdf_with_holder_firm_version_scope_status_and_code(
    client, accreditation
):
    client.force_login(accreditation.auditor.user)

    response = client.get(f"/accreditation/certificates/{accreditation.code}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in ("Pia Pdf", "Pdf Firm", "V3", "China", "Germany", "Active", accreditation.code):
        assert expected in text, expected
    assert f"http://testserver/verify/{accreditation.code}/" in text


def test_certificate_is_drawn_with_the_status_of_today(client, accreditation):
    models.ScopeStatusChange.objects.create(
        element=accreditation.scope.get(country="CN"),
        status="suspended",
        effective_from=days_from_today(-1),
    )
    client.force_login(accreditation.auditor.user)

    text = pdf_text(client.get(f"/accreditation/certificates/{accreditation.code}.pdf").content)

    assert "Suspended" in text


def test_certificate_has_a_qr_code_drawing(accreditation):
    data = certificates.certificate_pdf(accreditation_by_code(accreditation.code))

    text = pdf_text(data)
    # The QR code is drawn as many filled squares ("re f" operators) next to the URL.
    assert text.count(" re") > 100


def test_staff_may_download_any_certificate(staff_client, accreditation):
    response = staff_client.get(f"/accreditation/certificates/{accreditation.code}.pdf")

    assert response.status_code == 200


def test_other_people_may_not_download_a_certificate(client, accreditation):
    anonymous = client.get(f"/accreditation/certificates/{accreditation.code}.pdf")
    client.force_login(UserFactory())
    stranger = client.get(f"/accreditation/certificates/{accreditation.code}.pdf")
    missing = client.get("/accreditation/certificates/nope.pdf")

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert stranger.status_code == 403
    assert missing.status_code == 404
