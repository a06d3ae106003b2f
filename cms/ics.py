"""iCalendar (RFC 5545) files for live sessions, written by hand: one VEVENT per session.

A file is written in the active language (the URL's: ``/fr/calendar/<id>.ics``): the
session page's translation in that language when it has one, labels through gettext, and
the language named on the text fields (``SUMMARY;LANGUAGE=fr``). Times stay UTC; the
calendar application shows them in its reader's zone and language."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.i18n import bcp47

PRODID = "-//ASI Learning//45 minutes on//EN"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Folds a content line at 75 octets (RFC 5545 3.1) without splitting a character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines start with a space
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_calendar(recording, *, request=None) -> str:
    """One calendar with the live session of ``recording`` (a RecordingPage), in the active
    language (pass the page's translation in that language, ``recording.localized``)."""
    if request is not None:
        url = request.build_absolute_uri(recording.get_url(request))
    else:
        url = recording.get_full_url() or ""
    description = recording.summary
    if recording.registration_url:
        description += f"\n\n{_('Register')}: {recording.registration_url}"
    language = bcp47(translation.get_language() or settings.LANGUAGE_CODE)
    host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "asi-learning"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:recording-{recording.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(recording.starts_at)}",
        f"DTEND:{_utc(recording.ends_at)}",
        f"SUMMARY;LANGUAGE={language}:{_escape(recording.title)}",
        f"DESCRIPTION;LANGUAGE={language}:{_escape(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
