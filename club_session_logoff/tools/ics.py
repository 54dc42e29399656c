"""iCalendar (RFC 5545) text for club bookings: one VCALENDAR of VEVENTs, times in
UTC, text escaped and lines folded at 75 octets, CRLF line ends. Plain functions,
no Odoo: the booking side (models/club_booking_calendar.py) gives the values.

An event is a dict:

- ``uid`` (stable: the same booking always has the same UID, so a calendar
  updates or removes the event it has), ``start``, ``stop`` (naive UTC or aware
  datetimes), ``summary``;
- optional: ``location``, ``description``, ``url``, ``sequence`` (int, grows with
  each change), ``status`` (CONFIRMED, CANCELLED), ``organizer`` and
  ``attendee`` (e-mail addresses), ``organizer_name``, ``attendee_name``.
"""

from datetime import datetime, timezone

PRODID = "-//Club Session Log-Off//Bookings//EN"
# A content line is at most 75 octets, line break excluded (RFC 5545, 3.1).
FOLD_OCTETS = 75


def escape_text(value):
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and new lines
    escaped."""
    return (
        str(value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def escape_param(value):
    """A parameter value (CN=...): quoted, without the characters a quoted
    parameter may not hold."""
    cleaned = "".join(c for c in str(value or "") if c not in '"\r\n' and c >= " ")
    return f'"{cleaned}"'


def fold(line):
    """Split a content line into lines of at most 75 octets, each continuation
    starting with a space; never inside a UTF-8 character."""
    out = []
    current = ""
    size = 0
    for char in line:
        octets = len(char.encode())
        if size + octets > FOLD_OCTETS:
            out.append(current)
            current, size = " ", 1
        current += char
        size += octets
    out.append(current)
    return "\r\n".join(out)


def format_utc(value):
    """A DATE-TIME in UTC (form #2, with Z)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event, dtstamp):
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event['uid'])}",
        f"DTSTAMP:{format_utc(dtstamp)}",
        f"DTSTART:{format_utc(event['start'])}",
        f"DTEND:{format_utc(event['stop'])}",
        f"SEQUENCE:{int(event.get('sequence') or 0)}",
        f"SUMMARY:{escape_text(event['summary'])}",
    ]
    if event.get("location"):
        lines.append(f"LOCATION:{escape_text(event['location'])}")
    if event.get("description"):
        lines.append(f"DESCRIPTION:{escape_text(event['description'])}")
    if event.get("url"):
        lines.append(f"URL:{event['url']}")
    if event.get("status"):
        lines.append(f"STATUS:{event['status']}")
    if event.get("organizer"):
        name = event.get("organizer_name")
        cn = f";CN={escape_param(name)}" if name else ""
        lines.append(f"ORGANIZER{cn}:mailto:{event['organizer']}")
    if event.get("attendee"):
        name = event.get("attendee_name")
        cn = f";CN={escape_param(name)}" if name else ""
        lines.append(
            f"ATTENDEE{cn};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:"
            f"mailto:{event['attendee']}"
        )
    lines.append("TRANSP:OPAQUE")
    lines.append("END:VEVENT")
    return lines


def build_calendar(events, method=None, name=None, dtstamp=None):
    """The VCALENDAR text of ``events``.

    :param method: REQUEST (an invitation: add or update), CANCEL (remove the
        events with these UIDs), PUBLISH (a feed), or None
    :param name: the calendar's name (X-WR-CALNAME, shown by calendar apps for
        a subscribed feed)
    :param dtstamp: when the text is made (default: now)
    """
    dtstamp = dtstamp or datetime.now(timezone.utc)
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN"]
    if method:
        lines.append(f"METHOD:{method}")
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines.extend(_event_lines(event, dtstamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
