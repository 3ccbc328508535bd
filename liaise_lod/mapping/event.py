"""Events: schema.org's Event family, located by a Place with a PostalAddress."""

from __future__ import annotations

from ..model import Event
from ..namespaces import DCTERMS, SCHEMA
from .emit import Emitter

STATUS = {
    "scheduled": SCHEMA.EventScheduled,
    "cancelled": SCHEMA.EventCancelled,
    "postponed": SCHEMA.EventPostponed,
    "rescheduled": SCHEMA.EventRescheduled,
    "moved-online": SCHEMA.EventMovedOnline,
}
ATTENDANCE_MODE = {
    "offline": SCHEMA.OfflineEventAttendanceMode,
    "online": SCHEMA.OnlineEventAttendanceMode,
    "mixed": SCHEMA.MixedEventAttendanceMode,
}


def map_event(event: Event, out: Emitter) -> None:
    iri = out.iris.of(event)
    out.kind_type(iri, "event-kind", event.kind, SCHEMA.Event)
    out.concept(iri, DCTERMS.type, "event-kind", event.kind)
    out.text(iri, (SCHEMA.name,), event.name)
    out.text(iri, (SCHEMA.description,), event.description)
    out.date(iri, SCHEMA.startDate, event.start)
    out.date(iri, SCHEMA.endDate, event.end)
    _place(event, out)
    out.url(iri, SCHEMA.url, event.website)
    if event.status:
        out.add(iri, SCHEMA.eventStatus, STATUS[event.status])
    if event.attendance_mode:
        out.add(iri, SCHEMA.eventAttendanceMode, ATTENDANCE_MODE[event.attendance_mode])
    if event.project:
        out.add(out.ref(event.project), SCHEMA.event, iri)
    if event.super_event:
        parent = out.ref(event.super_event)
        out.add(iri, SCHEMA.superEvent, parent)
        out.add(parent, SCHEMA.subEvent, iri)
    out.refs(iri, (SCHEMA.organizer,), event.organisers)
    out.refs(iri, (SCHEMA.performer,), event.speakers)
    out.refs(iri, (SCHEMA.attendee,), event.attendees)
    out.refs(iri, (SCHEMA.workFeatured,), event.presentations)
    out.topics(iri, event.topics)
    out.figures(iri, event.figures)


def _place(event: Event, out: Emitter) -> None:
    stated = (
        event.venue,
        event.street,
        event.postcode,
        event.locality,
        event.region,
        event.country,
    )
    if all(part is None for part in stated):
        return
    iri = out.iris.of(event)
    place = out.iris.part(iri, "place")
    out.add(iri, SCHEMA.location, place)
    out.types(place, SCHEMA.Place)
    out.text(place, (SCHEMA.name,), event.venue)
    address = out.address(place, event)
    if address is not None:
        out.add(place, SCHEMA.address, address)
