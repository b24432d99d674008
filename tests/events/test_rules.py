"""events/rules.py: each rule agrees with its QuerySet twin, its service and its page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def every_kind_of_event() -> list[Event]:
    now = timezone.now()
    return [
        EventFactory(title="open"),
        EventFactory(title="full, waitlist", capacity=1, seats_taken=1, waitlist_enabled=True),
        EventFactory(title="full, no waitlist", capacity=1, seats_taken=1, waitlist_enabled=False),
        EventFactory(title="draft", status=Event.Status.DRAFT),
        EventFactory(title="cancelled", status=Event.Status.CANCELLED),
        EventFactory(title="started", starts_at=now - timedelta(minutes=1)),
        EventFactory(
            title="ended", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
        ),
        EventFactory(title="starts in a minute", starts_at=now + timedelta(minutes=1)),
    ]


def test_open_for_registration_lists_exactly_the_events_the_rule_leaves_open():
    events = every_kind_of_event()
    open_by_rule = {event.title for event in events if event.registration_closed is None}
    open_by_query = set(Event.objects.open_for_registration().values_list("title", flat=True))
    assert open_by_query == open_by_rule
    assert open_by_rule == {"open", "full, waitlist", "full, no waitlist", "starts in a minute"}


def test_registering_where_the_rule_says_closed_is_refused_with_its_reason():
    for event in every_kind_of_event():
        reason = event.registration_closed
        if reason is None:
            continue
        with pytest.raises(services.RegistrationClosed) as refused:
            services.register(user=UserFactory(), event=event)
        assert refused.value.message == reason


def test_the_event_page_states_the_same_reason(client):
    ended = every_kind_of_event()[6]
    html = client.get(ended.get_absolute_url()).content.decode()
    assert "Registration is closed: this event has ended." in html
    assert ">Register<" not in html


def test_cards_offer_registration_exactly_where_the_rule_does(client):
    client.force_login(UserFactory())
    events = every_kind_of_event()
    html = client.get("/events/?past=on").content.decode()
    for event in events:
        if event.status == Event.Status.DRAFT:
            continue  # Not listed.
        offered = f'action="/events/{event.slug}/register/"' in html
        assert offered == (event.joining_refused is None), event.title


def test_a_started_event_stays_published_and_its_page_offers_no_way_back(client):
    started = EventFactory(starts_at=timezone.now() - timedelta(minutes=1))
    assert started.unpublishing_refused() == "This event has started, so it stays published."
    with pytest.raises(services.InvalidChange):
        services.unpublish_event(event=started)
    client.force_login(started.organizer)
    html = client.get(started.get_absolute_url()).content.decode()
    assert "Back to draft" not in html
    assert "Cancel event" not in html


def test_the_manage_panel_offers_what_the_rules_allow(client):
    event = EventFactory()
    client.force_login(event.organizer)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Back to draft" in html and "Cancel event" in html and "Delete draft" not in html
    services.register(user=UserFactory(), event=event)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Back to draft" not in html and "Cancel event" in html


def test_a_draft_whose_start_has_passed_says_why_it_cannot_be_published(client):
    draft = EventFactory(status=Event.Status.DRAFT, starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(draft.organizer)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "This draft&#x27;s start time has passed." in html
    assert ">Publish<" not in html
    assert "Delete draft" in html


def test_the_panel_says_why_joining_is_refused_as_the_service_does(client):
    client.force_login(UserFactory())
    for event in every_kind_of_event():
        refused = event.joining_refused
        if refused is None or event.is_draft:
            continue
        html = client.get(event.get_absolute_url()).content.decode()
        assert refused.replace("'", "&#x27;") in html, event.title
        assert f'action="/events/{event.slug}/register/"' not in html


def test_full_events_are_exactly_those_without_seats_left():
    events = every_kind_of_event()
    with_seats = set(Event.objects.with_seats_left().values_list("title", flat=True))
    assert with_seats == {event.title for event in events if not event.is_full}


def test_past_and_upcoming_split_events_as_is_past_does():
    events = every_kind_of_event()
    now = timezone.now()
    past = set(Event.objects.past(now).values_list("title", flat=True))
    upcoming = set(Event.objects.upcoming(now).values_list("title", flat=True))
    assert past == {event.title for event in events if event.is_past} == {"ended"}
    assert upcoming == {event.title for event in events} - past
