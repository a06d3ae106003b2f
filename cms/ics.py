"""iCalendar (RFC 5545) files for live sessions, written by hand: one VEVENT per session."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

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
    """One calendar with the live session of ``recording`` (a RecordingPage)."""
    if request is not None:
        url = request.build_absolute_uri(recording.get_url(request))
    else:
        url = recording.get_full_url() or ""
    description = recording.summary
    if recording.registration_url:
        description += f"\n\nRegister: {recording.registration_url}"
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
        f"SUMMARY:{_escape(recording.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
