"""iCalendar (RFC 5545) output of amtui's deadlines, written with the `icalendar` library.

`amtui.core.calendar` decides which events there are and what they say; this module only
writes them. Times are UTC (`…Z`) by default, which every calendar reads alike; with a named
zone they carry `TZID` and the calendar gets a VTIMEZONE for it. An all-day deadline is a
`VALUE=DATE` event lasting its day. Every event has a VALARM whose trigger is relative to its
DTSTART (which every event has, as RFC 5545 requires of a relative alarm). Deadlines do not
block time: `TRANSP:TRANSPARENT`. The output is deterministic (DTSTAMP is when the record last
changed, RFC 5545 §3.8.7.2 without METHOD), so an unchanged feed has an unchanged ETag.

Text comes from outside (lead titles, notes): core has already made every control and
invisible character visible (an iCalendar TEXT value may not hold controls at all), and the
library escapes `,` `;` `\\` and newlines and folds long lines.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from amtui import __version__
from amtui.core.calendar import CalendarData, CalendarEvent

if TYPE_CHECKING:
    from icalendar import Event

#: What a subscribing calendar is asked to wait between two fetches (RFC 7986 and the
#: older X-PUBLISHED-TTL that Outlook and Apple Calendar read; keep the two equal).
REFRESH = timedelta(minutes=15)
PRODID = f"-//amtui//amtui {__version__}//EN"


def build_ics(data: CalendarData, *, zone: tzinfo | None = None, name: str = "amtui") -> bytes:
    """The calendar as bytes (UTF-8, CRLF line ends). `zone`: write times in this named zone
    (with its VTIMEZONE) instead of UTC."""
    from icalendar import Calendar  # ~90 ms of imports (python -X importtime): ics commands only

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")  # a duration, as text: it is not a known property
    if zone is not None:
        calendar.add("x-wr-timezone", str(zone))
    for event in data.events:
        calendar.add_component(_event(data, event, zone))
    if zone is not None:
        calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _event(data: CalendarData, event: CalendarEvent, zone: tzinfo | None) -> Event:
    from icalendar import Alarm, Event

    item = Event()
    item.add("uid", data.uid(event))
    item.add("dtstamp", event.revised)
    item.add("created", event.created)
    item.add("last-modified", event.revised)
    item.add("summary", event.summary)
    if event.description:
        item.add("description", event.description)
    item.add("categories", [event.category])
    item.add("transp", "TRANSPARENT")
    if isinstance(event.start, datetime):
        start = event.start.astimezone(zone) if zone is not None else event.start
        item.add("dtstart", start)
        item.add("dtend", start)
    else:
        item.add("dtstart", event.start)
        item.add("dtend", event.start + timedelta(days=1))
    alarm = Alarm()
    alarm.add("uid", f"alarm-{data.uid(event)}")
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.alarm_text)
    alarm.add("trigger", event.alarm, parameters={"RELATED": "START"})
    item.add_component(alarm)
    return item
