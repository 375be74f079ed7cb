// An independent reader of amtui's iCalendar output, for the tests: ICAL.js (Mozilla's
// parser, MPL-2.0, from npm). Usage: node ics_reader.mjs FILE.ics PATH/TO/ical.js
// Prints one JSON object: the calendar's name and refresh hints, and every event as ICAL.js
// understands it (start as Unix time, or as a date for an all-day event; alarms in seconds).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const ICAL = (await import(pathToFileURL(process.argv[3]).href)).default;
const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const time = (value) => (value.isDate ? value.toString() : value.toUnixTime());
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    all_day: event.startDate.isDate,
    start: time(event.startDate),
    end: time(event.endDate),
    zone: event.startDate.isDate ? null : event.startDate.zone.tzid,
    alarms: component.getAllSubcomponents("valarm").map((alarm) => ({
      action: alarm.getFirstPropertyValue("action"),
      description: alarm.getFirstPropertyValue("description"),
      trigger: alarm.getFirstPropertyValue("trigger").toSeconds(),
      related: alarm.getFirstProperty("trigger").getParameter("related") || "START",
    })),
  };
});
console.log(
  JSON.stringify({
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    refresh: String(calendar.getFirstPropertyValue("refresh-interval")),
    events,
  }),
);
