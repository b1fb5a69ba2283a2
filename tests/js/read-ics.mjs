// Print the events of an .ics file as ical.js (Thunderbird, Nextcloud) understands them:
// its VTIMEZONEs registered, recurring events expanded, each instant in Unix seconds.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = [];
for (const component of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  const iterator = event.iterator();
  for (let next = iterator.next(); next && events.length < 10000; next = iterator.next()) {
    // A single event is its DTSTART and DTEND, as the apps show it. For an occurrence of a
    // series, ical.js adds the real duration to the start's clock time, so an event that
    // runs through a clock change would come out an hour off.
    const { startDate, endDate } = event.isRecurring()
      ? event.getOccurrenceDetails(next)
      : { startDate: event.startDate, endDate: event.endDate };
    events.push({
      uid: event.uid,
      summary: event.summary,
      sequence: event.sequence,
      zone: startDate.zone.tzid,
      allDay: startDate.isDate,
      start: startDate.toUnixTime(),
      end: endDate.toUnixTime(),
      alarms: component.getAllSubcomponents("valarm").map((alarm) => ({
        action: alarm.getFirstPropertyValue("action"),
        trigger: alarm.getFirstPropertyValue("trigger").toSeconds(),
      })),
      categories: component.getAllProperties("categories").flatMap((p) => p.getValues()),
    });
    if (!event.isRecurring()) break;
  }
}
console.log(JSON.stringify({ name: root.getFirstPropertyValue("x-wr-calname"), events }));
