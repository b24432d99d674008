"""A draft needs a title only: the rest can be filled in later, on the event page or the
edit page, and publishing asks for whatever is still missing."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("events:create")
HX = {"HX-Request": "true"}
MISSING = "To publish, add the start and end, the venue and city, the capacity and a description."


def url(name, event, **kwargs):
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


def local(delta):
    return (timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def organizer(client, user):
    client.force_login(user)
    return user


@pytest.fixture
def bare(organizer):
    """A draft with nothing but its title, as Save as draft leaves it."""
    return EventFactory(
        organizer=organizer,
        status=Event.Status.DRAFT,
        title="Board game night",
        description="",
        starts_at=None,
        ends_at=None,
        venue="",
        city="",
        capacity=None,
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_save_as_draft_with_only_a_title(client, organizer, headers):
    response = client.post(CREATE, {"title": "Board game night", "draft": "1"}, headers=headers)
    event = Event.objects.get()
    target = response["HX-Redirect"] if headers else response["Location"]
    assert target == event.get_absolute_url()
    assert (event.status, event.title, event.organizer) == ("draft", "Board game night", organizer)
    assert (event.starts_at, event.ends_at, event.capacity, event.description) == (
        None,
        None,
        None,
        "",
    )
    page = client.get(target).content.decode()
    assert "Your draft is saved. Publish it when ready." in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_publishing_with_only_a_title_says_what_publishing_needs(client, organizer, headers):
    response = client.post(CREATE, {"title": "Board game night", "publish": "1"}, headers=headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert ("<html" in html) is not bool(headers)
    assert "Please fix the 7 problems below." in html
    assert html.count("Publishing needs this. Fill it in, or save as a draft") == 5
    assert "In-person events need a venue." in html and "In-person events need a city." in html
    assert 'value="Board game night"' in html
    assert not Event.objects.exists()


def test_a_draft_still_needs_a_title(client, organizer):
    html = client.post(CREATE, {"title": " ", "draft": "1"}).content.decode()
    assert "Please fix the 1 problem below." in html
    assert not Event.objects.exists()


def test_a_draft_checks_what_it_is_given(client, organizer):
    data = {"title": "Board game night", "draft": "1", "capacity": "0", "starts_at": "soon"}
    html = client.post(CREATE, data).content.decode()
    assert "Capacity must be at least 1." in html and "Enter a valid date/time." in html
    assert not Event.objects.exists()


def test_a_bare_draft_page_says_what_is_still_to_be_set(
    client, bare, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        html = client.get(bare.get_absolute_url()).content.decode()
    for unset in ("Date and time to be set", "Venue to be set", "Capacity to be set"):
        assert unset in html
    assert "No description yet." in html
    assert MISSING in html
    assert url("publish", bare) not in html
    assert "Show on OpenStreetMap" not in html
    assert "data-share" not in html  # nobody else could open the link


def test_publishing_a_bare_draft_is_refused_with_what_is_missing(client, bare):
    response = client.post(url("publish", bare), follow=True)
    assert MISSING in response.content.decode()
    bare.refresh_from_db()
    assert bare.is_draft


def test_filled_in_section_by_section_then_published(client, bare):
    sections = {
        "when": {
            "starts_at": local(timedelta(days=5)),
            "ends_at": local(timedelta(days=5, hours=3)),
            "time_zone": "Europe/Lisbon",
        },
        "where": {"venue": "LX Factory", "city": "Lisbon"},
        "seats": {"capacity": "12", "guests_allowed": "0", "waitlist_enabled": "on"},
    }
    for name, data in sections.items():
        response = client.post(url("edit-section", bare, section=name), data, headers=HX)
        assert "Saved." in response["HX-Trigger"]
        # The panel's list of what publishing needs is swapped in again.
        assert 'id="manage-publish" hx-swap-oob="true"' in response.content.decode()
    page = client.get(bare.get_absolute_url()).content.decode()
    assert "To publish, add a description." in page
    client.post(
        url("edit-section", bare, section="description"), {"description": "Bring one."}, headers=HX
    )
    response = client.post(url("publish", bare), follow=True)
    assert "Your event is published." in response.content.decode()
    bare.refresh_from_db()
    assert (bare.status, bare.capacity, bare.venue) == ("published", 12, "LX Factory")


def test_the_full_edit_page_saves_a_draft_with_gaps(client, bare):
    data = {
        "title": "Board games",
        "time_zone": "UTC",
        "guests_allowed": "0",
        "visibility": "public",
    }
    response = client.post(url("edit", bare), data)
    assert response.status_code == 302
    bare.refresh_from_db()
    assert (bare.title, bare.starts_at, bare.capacity) == ("Board games", None, None)


def test_a_published_event_keeps_every_field(client, organizer):
    event = EventFactory(organizer=organizer, capacity=10)
    html = client.post(
        url("edit-section", event, section="seats"),
        {"capacity": "", "guests_allowed": "0"},
        headers=HX,
    ).content.decode()
    assert "This field is required." in html
    with pytest.raises(services.InvalidChange, match="A published event needs the capacity"):
        services.update_event(event=event, changes={"capacity": None})
    event.refresh_from_db()
    assert event.capacity == 10


def test_the_database_refuses_a_published_event_without_a_date(organizer):
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(organizer=organizer, starts_at=None, ends_at=None)


def test_a_bare_draft_holds_no_seats_and_takes_no_one(bare, make_user):
    assert (bare.seats_left, bare.is_full, bare.has_started, bare.is_past) == (
        None,
        False,
        False,
        False,
    )
    assert bare.joining_refused == "Registration opens when the event is published."
    with pytest.raises(services.RegistrationClosed):
        services.register(user=make_user(email="guest@example.com"), event=bare)


def test_drafts_without_a_date_come_last_on_the_dashboard(client, bare, organizer):
    EventFactory(organizer=organizer, status=Event.Status.DRAFT, title="Dated draft")
    html = client.get(reverse("organize:dashboard") + "?show=drafts").content.decode()
    assert html.index("Dated draft") < html.index("Board game night")
    assert "Date and time to be set" in html


def test_api_and_calendar_for_a_bare_draft(client, bare):
    data = client.get(reverse("api:detail", kwargs={"slug": bare.slug})).json()
    assert (data["starts_at"], data["capacity"], data["seats_left"]) == (None, None, None)
    assert client.get(url("calendar", bare)).status_code == 404


def test_admin_shows_a_bare_draft(admin_client, bare):
    changelist = admin_client.get(reverse("admin:events_event_changelist"))
    assert changelist.status_code == 200 and "0 / –" in changelist.content.decode()
    assert admin_client.get(reverse("admin:events_event_change", args=[bare.pk])).status_code == 200


def test_a_draft_people_registered_for_keeps_its_date(client, organizer, make_user):
    """Back to draft after everyone left: their emails and calendar files still speak of
    the event, so its time, place and seats stay filled in."""
    event = EventFactory(organizer=organizer)
    bo = make_user(email="bo@example.com")
    services.register(user=bo, event=event)
    services.cancel_registration(user=bo, event=event)
    services.unpublish_event(event=event)
    data = {"starts_at": "", "ends_at": "", "time_zone": "UTC"}
    html = client.post(url("edit-section", event, section="when"), data, headers=HX).content
    assert "Publishing needs this." in html.decode()
    with pytest.raises(services.InvalidChange, match="People registered for this event before"):
        services.update_event(event=event, changes={"starts_at": None})
    event.refresh_from_db()
    assert event.starts_at is not None


def test_a_draft_whose_date_passed_gets_a_new_one_and_is_published(client, organizer):
    draft = EventFactory(
        organizer=organizer,
        status=Event.Status.DRAFT,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2),
    )
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "start time has passed. Move the date before publishing." in page
    assert url("edit-section", draft, section="when") in page  # not locked
    data = {
        "starts_at": local(timedelta(days=4)),
        "ends_at": local(timedelta(days=4, hours=2)),
        "time_zone": "UTC",
    }
    response = client.post(url("edit-section", draft, section="when"), data, headers=HX)
    assert "Saved." in response["HX-Trigger"]
    client.post(url("publish", draft))
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED


def test_a_draft_with_a_start_and_no_end_shows_its_start(client, bare):
    bare.starts_at = timezone.now() + timedelta(days=3)
    bare.save()
    html = client.get(bare.get_absolute_url()).content.decode()
    assert "Date and time to be set" not in html
    assert f'datetime="{bare.starts_at.isoformat(timespec="seconds")}"' in html
