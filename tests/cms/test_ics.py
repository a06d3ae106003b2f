import datetime

import pytest
from django.test import Client

from cms.models import Visibility
from tests.cms.factories import make_recording

pytestmark = pytest.mark.django_db


def parse_ics(raw: bytes) -> dict[str, str]:
    """A strict little reader: CRLF line ends, folded lines of at most 75 octets. Keys are
    property names with their parameters (``SUMMARY;LANGUAGE=en``) and without them."""
    assert raw.endswith(b"\r\n")
    physical = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and len(line) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(b" "):
            logical[-1] += line[1:].decode()
        else:
            logical.append(line.decode())
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    fields = dict(line.split(":", 1) for line in logical if not line.startswith(("BEGIN", "END")))
    return fields | {name.split(";")[0]: value for name, value in fields.items()}


@pytest.fixture
def upcoming(recording_index):
    return make_recording(
        recording_index,
        title="45 minutes on the 2027 standards revision, with a title long enough to be folded",
        summary="What changes, when, and what it means for members; questions welcome.",
        session_date=datetime.date(2030, 6, 3),
        session_time=datetime.time(14, 0),
        time_zone="Europe/Berlin",
        duration_minutes=45,
        registration_url="https://events.example.org/register",
    )


def test_ics_file_describes_the_session_in_utc(upcoming):
    response = Client().get(f"/calendar/{upcoming.pk}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    fields = parse_ics(response.content)
    assert fields["VERSION"] == "2.0"
    assert fields["DTSTART"] == "20300603T120000Z"  # 14:00 in Berlin summer time
    assert fields["DTEND"] == "20300603T124500Z"
    assert fields["SUMMARY"].startswith("45 minutes on the 2027 standards revision\\, with")
    assert "https://events.example.org/register" in fields["DESCRIPTION"]
    assert fields["URL"] == f"http://testserver{upcoming.url}"
    assert fields["UID"].startswith(f"recording-{upcoming.pk}@")
    assert len(fields["DTSTAMP"]) == 16 and fields["DTSTAMP"].endswith("Z")


def test_ics_file_is_written_in_the_language_of_its_url(upcoming):
    english = parse_ics(Client().get(f"/calendar/{upcoming.pk}.ics").content)
    french = parse_ics(Client().get(f"/fr/calendar/{upcoming.pk}.ics").content)
    chinese = parse_ics(Client().get(f"/zh-hans/calendar/{upcoming.pk}.ics").content)

    assert english["SUMMARY;LANGUAGE=en"] == english["SUMMARY"]
    assert "Register: https://events.example.org/register" in english["DESCRIPTION;LANGUAGE=en"]
    assert "SUMMARY;LANGUAGE=fr" in french and "DESCRIPTION;LANGUAGE=fr" in french
    assert "S'inscrire: https://events.example.org/register" in french["DESCRIPTION"]
    assert "Register:" not in french["DESCRIPTION"]
    assert "SUMMARY;LANGUAGE=zh-Hans" in chinese
    assert french["DTSTART"] == english["DTSTART"] == "20300603T120000Z"  # times stay UTC


def test_ics_file_in_french_describes_the_french_translation_of_the_session(upcoming):
    from wagtail.models import Locale

    from cms.translations import translate_through_po

    translate_through_po(
        upcoming,
        Locale.objects.get(language_code="fr"),
        {upcoming.summary: "Ce qui change, quand, et ce que cela signifie pour les membres."},
    )

    french = parse_ics(Client().get(f"/fr/calendar/{upcoming.pk}.ics").content)

    assert french["DESCRIPTION"].startswith("Ce qui change\\, quand\\, et ce que cela")
    assert french["URL"].startswith("http://testserver/fr/")


def test_long_lines_are_folded(upcoming):
    raw = Client().get(f"/calendar/{upcoming.pk}.ics").content

    assert b"\r\n " in raw  # the long SUMMARY was folded


def test_ics_of_a_members_only_session_is_refused_to_the_public(upcoming):
    upcoming.visibility = Visibility.MEMBERS
    upcoming.save_revision().publish()

    assert Client().get(f"/calendar/{upcoming.pk}.ics").status_code == 403


def test_index_lists_upcoming_sessions_with_registration_and_calendar_links(
    recording_index, upcoming
):
    body = Client().get(recording_index.url).content.decode()

    upcoming_section = body.split('id="upcoming-heading"')[1].split('id="past-heading"')[0]
    assert "https://events.example.org/register" in upcoming_section
    assert f"/calendar/{upcoming.pk}.ics" in upcoming_section
