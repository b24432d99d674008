from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Event, Registration
from ..selectors import Place
from .answers import check_answers, save_answers
from .common import lock, move_seats, notify, notify_many, require_confirmed_email
from .errors import AlreadyRegistered, EventFull, NotRegistered, RegistrationClosed
from .party import Party


def register(*, user, event: Event, guests=0, guest_names=(), answers=None) -> Place:
    """Take seats for the person and their guests, or a waitlist place when they don't
    fit and the event has a waitlist.

    The place's registration.event is the event as committed, showing these seats, so
    callers can show the outcome without reading anything again."""
    require_confirmed_email(user)
    party = Party.of(event, guests, guest_names)
    try:
        with transaction.atomic():
            place = _take_free_seats(user, event, party) or _register_locked(user, event, party)
            # Checked here, with the event's row locked by either path, so the questions
            # can't change in between; a refusal rolls the seats back with the rest.
            if answered := check_answers(place.registration.event, answers):
                save_answers(place.registration, answered)
            notify(place.registration, NOTICES[place.registration.status])
    except IntegrityError:
        # The partial unique constraint refused a second active registration (a double
        # click, or a stale page); the whole transaction, seat count included, rolled
        # back. Any other constraint is a bug to see, not a double click.
        if not Registration.objects.active().filter(event=event, user=user).exists():
            raise
        raise AlreadyRegistered(_("You're already registered for this event.")) from None
    return place


NOTICES = {
    Registration.Status.CONFIRMED: "confirmed",
    Registration.Status.WAITLISTED: "waitlisted",
    Registration.Status.PENDING: "requested",
}


def _take_free_seats(user, event: Event, party: Party) -> Place | None:
    """The common case in two statements and no lock wait: a conditional UPDATE takes
    the seats only while enough are free, registration is open and the guests are still
    allowed, atomically on both databases. None when it can't, and _register_locked
    decides why under the lock."""
    if not event.seats_left or event.seats_left < party.size or event.requires_approval:
        return None
    rows = Event.objects.open_for_registration().filter(
        seats_taken__lte=F("capacity") - party.size,
        guests_allowed__gte=party.guests,
        requires_approval=False,
    )
    now = timezone.now()
    if not move_seats(event, party.size, now, rows):
        return None
    return Place(_create(event, user, party, Registration.Status.CONFIRMED, now))


def _register_locked(user, event: Event, party: Party) -> Place:
    event = lock(event)
    if refused := event.registration_closed:
        raise RegistrationClosed(refused)
    party = Party.of(event, party.guests, party.names)  # the limit may have changed
    now = timezone.now()
    if event.requires_approval:
        return _request(user, event, party, now)
    if event.seats_left >= party.size:
        move_seats(event, party.size, now)
        return Place(_create(event, user, party, Registration.Status.CONFIRMED, now))
    if refused := event.party_refused(party.size):
        if Registration.objects.active().filter(event=event, user=user).exists():
            # Not "full": the first click of a double click took the last seat.
            raise AlreadyRegistered(_("You're already registered for this event."))
        raise EventFull(refused, field="guests" if party.guests else None)
    registration = _create(event, user, party, Registration.Status.WAITLISTED, now)
    # Everyone else waiting joined under this lock, before `now`, so is ahead: the new
    # place is the waitlist's length.
    return Place(registration, position=event.registrations.waitlist().count())


def _request(user, event: Event, party: Party, now) -> Place:
    """Ask the organizer: a pending registration, which holds no seat."""
    if refused := event.party_refused(party.size):
        raise EventFull(refused, field="guests" if party.guests else None)
    declined = Registration.objects.filter(
        event=event, user=user, status=Registration.Status.DECLINED
    )
    if declined.exists():
        raise RegistrationClosed(_("The organizer declined your request for this event."))
    return Place(_create(event, user, party, Registration.Status.PENDING, now))


def _create(event: Event, user, party: Party, status: str, now) -> Registration:
    confirmed_at = now if status == Registration.Status.CONFIRMED else None
    return Registration.objects.create(
        event=event,
        user=user,
        status=status,
        party_size=party.size,
        guest_names=list(party.names),
        created_at=now,
        confirmed_at=confirmed_at,
    )


def _active(event: Event, user) -> Registration:
    registration = Registration.objects.active().filter(event=event, user=user).first()
    if registration is None:
        raise NotRegistered(_("You're not registered for this event."))
    if refused := event.leaving_closed:
        raise RegistrationClosed(refused)
    return registration


@dataclass(frozen=True)
class Cancelled:
    """What cancel_registration did: the cancelled registration, the event as committed,
    and the ids of the registrations the freed seats went to."""

    registration: Registration
    event: Event
    promoted: list[int]


def cancel_registration(*, user, event: Event, registration_id: int | None = None) -> Cancelled:
    """Give up the party's seats or its waitlist place. Freed seats go to the waitlist
    (see promote). With `registration_id` (the "can't make it" link in an email), only
    while that registration is still the active one, so a link about an old one can't
    cancel a new one; the registration then counts as given up by link."""
    with transaction.atomic():
        event = lock(event)
        registration = _active(event, user)
        if registration_id is not None and registration.pk != registration_id:
            raise NotRegistered(_("You're not registered for this event."))
        now = timezone.now()
        freed = registration.party_size if registration.is_confirmed else 0
        # A request never reached anyone's calendar: withdrawing it needs no email.
        withdrawn = registration.is_pending
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        # The cancellation email's calendar file must supersede the confirmation's.
        registration.sequence += 1
        registration.left_by_link = registration_id is not None
        registration.save(
            update_fields=["status", "cancelled_at", "sequence", "left_by_link", "updated_at"]
        )
        if not withdrawn:
            notify(registration, "cancelled")
        promoted = _free_seats(event, freed, now)
    return Cancelled(registration, event, promoted)


def change_party(*, user, event: Event, guests=None, guest_names=None, answers=None) -> Place:
    """Bring more or fewer guests, or change the answers (None leaves each as it is).
    Fewer guests frees seats for the waitlist; more needs free seats for a confirmed
    party, else nothing changes. A waitlisted party keeps its place in the queue."""
    with transaction.atomic():
        event = lock(event)
        registration = _active(event, user)
        answered = check_answers(event, answers) if answers is not None else None
        guests = registration.guests if guests is None else guests
        names = registration.guest_names if guest_names is None else guest_names
        party = Party.of(event, guests, names, current=registration.guests)
        more = party.size - registration.party_size
        if more > 0 and (refused := event.party_too_big(party.size)):
            raise EventFull(refused, field="guests")
        if registration.is_confirmed and more > event.seats_left:
            raise EventFull(_no_room(event, registration), field="guests")
        registration.party_size, registration.guest_names = party.size, list(party.names)
        registration.save(update_fields=["party_size", "guest_names", "updated_at"])
        if answered is not None:
            save_answers(registration, answered, replace=True)
        now = timezone.now()
        if registration.is_confirmed and more > 0:
            move_seats(event, more, now)
        elif registration.pk in _free_seats(event, -more if registration.is_confirmed else 0, now):
            # A smaller waitlisted party can fit where it didn't before.
            registration.status = Registration.Status.CONFIRMED
    registration.event = event
    return Place(registration, _position(registration))


def _no_room(event: Event, registration: Registration) -> str:
    most = registration.guests + event.seats_left
    if not most:
        return _("No seats are free, so you can't bring a guest now.")
    message = ngettext(
        "Not enough seats are free: you can bring %(count)s guest at most now.",
        "Not enough seats are free: you can bring %(count)s guests at most now.",
        most,
    )
    return message % {"count": most}


def _position(registration: Registration) -> int | None:
    if not registration.is_waitlisted:
        return None
    queued = Registration.objects.filter(pk=registration.pk).with_waitlist_position()
    return queued.values_list("position", flat=True).get()


def _free_seats(event: Event, seats: int, now) -> list[int]:
    """Give back `seats` and fill what is free from the waitlist, writing the seat count
    in one statement; the ids promoted. The caller holds the lock."""
    before = event.seats_taken
    event.seats_taken -= seats
    promoted = promote(event)
    moved, event.seats_taken = event.seats_taken - before, before
    if moved:
        move_seats(event, moved, now)
    notify_many(promoted, "promoted")
    return promoted


def promote(event: Event) -> list[int]:
    """Fill the event's free seats from the waitlist and return the ids confirmed.

    Parties go in order of arrival. A party too big for the seats left is skipped and
    keeps its place at the head of the queue; the next party that fits goes in. Adds
    the seats to this copy's seats_taken; the caller holds the lock and writes it."""
    free = event.seats_left
    if free <= 0:
        return []
    promoted = []
    queue = event.registrations.waitlist().filter(party_size__lte=free)
    for pk, size in queue.values_list("pk", "party_size").iterator(chunk_size=100):
        if size <= free:
            promoted.append(pk)
            free -= size
            if not free:
                break
    if promoted:
        now = timezone.now()
        Registration.objects.filter(pk__in=promoted).update(
            status=Registration.Status.CONFIRMED, confirmed_at=now, promoted_at=now, updated_at=now
        )
        event.seats_taken = event.capacity - free
    return promoted
