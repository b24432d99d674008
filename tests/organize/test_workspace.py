import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def organizer(client):
    user = UserFactory(name="Olga Organizer")
    client.force_login(user)
    return user


def attendees_url(event, **params):
    url = reverse("organize:attendees", kwargs={"slug": event.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def check_in_url(registration):
    kwargs = {"slug": registration.event.slug, "pk": registration.pk}
    return reverse("organize:check-in", kwargs=kwargs)


def registered(event, *names):
    return [
        services.register(
            user=UserFactory(name=name, email=f"{name.lower()}@example.com"), event=event
        ).registration
        for name in names
    ]


def names(html):
    """The attendee names in the table, in order (random CSRF tokens may hold any letters)."""
    return re.findall(r'<td data-label="Name">([^<]+)</td>', html)


# Dashboard


def test_dashboard_groups_my_events(client, organizer):
    now = timezone.now()
    EventFactory(organizer=organizer, title="Coming up")
    EventFactory(organizer=organizer, title="Half-baked", status=Event.Status.DRAFT)
    EventFactory(
        organizer=organizer,
        title="Done and dusted",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(hours=2),
    )
    EventFactory(title="Someone else's")
    upcoming = client.get(reverse("organize:dashboard")).content.decode()
    assert "Coming up" in upcoming
    assert "Half-baked" not in upcoming and "Done and dusted" not in upcoming
    assert "Someone else" not in upcoming
    assert '>Upcoming <span class="tab-count">1</span>' in upcoming
    drafts = client.get(reverse("organize:dashboard") + "?show=drafts").content.decode()
    assert "Half-baked" in drafts and "Coming up" not in drafts
    past = client.get(reverse("organize:dashboard") + "?show=past").content.decode()
    assert "Done and dusted" in past


def test_dashboard_shows_seats_waitlist_and_check_ins(client, organizer):
    event = EventFactory(organizer=organizer, capacity=2)
    first, _, _ = registered(event, "Ann", "Bob", "Cy")
    services.check_in(registration=first, checked_in=True)
    html = client.get(reverse("organize:dashboard")).content.decode()
    assert "<dt>Seats</dt><dd>2/2</dd>" in html
    assert "<dt>Waitlist</dt><dd>1</dd>" in html
    assert "<dt>Checked in</dt><dd>1</dd>" in html
    assert attendees_url(event) in html


def test_dashboard_htmx_gets_only_the_results(client, organizer):
    EventFactory(organizer=organizer)
    response = client.get(reverse("organize:dashboard") + "?show=drafts", headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="dashboard-results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "query", ["?show=nonsense", "?page=abc", "?page=99999", "?show=past&page=-1"]
)
def test_dashboard_bad_input_is_never_an_error(client, organizer, query):
    EventFactory(organizer=organizer)
    assert client.get(reverse("organize:dashboard") + query).status_code == 200


@pytest.mark.parametrize("events", [1, 30])
def test_dashboard_runs_constant_queries(client, organizer, events, django_assert_max_num_queries):
    for event in EventFactory.create_batch(events, organizer=organizer):
        registered(event, f"Person{event.pk}")
    with django_assert_max_num_queries(8):
        client.get(reverse("organize:dashboard"))
    with django_assert_max_num_queries(8):
        client.get(reverse("organize:dashboard") + "?page=2", headers=HX)


# Attendees


def test_attendees_lists_confirmed_then_the_waitlist_with_positions(client, organizer):
    event = EventFactory(organizer=organizer, capacity=1)
    registered(event, "Ann", "Bob", "Cy")
    html = client.get(attendees_url(event)).content.decode()
    assert names(html) == ["Ann", "Bob", "Cy"]
    assert "Waitlist #1" in html and "Waitlist #2" in html
    assert "<dt>Confirmed</dt><dd>1/1</dd>" in html
    assert "<dt>Waitlist</dt><dd>2</dd>" in html


def test_attendee_search_by_name_or_email_in_page(client, organizer):
    event = EventFactory(organizer=organizer)
    registered(event, "Ann", "Bob")
    response = client.get(attendees_url(event, q="BOB@EXAMPLE"), headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="attendee-results"')
    assert names(html) == ["Bob"]
    full = client.get(attendees_url(event, q="ann")).content.decode()
    assert "Ann" in full and "bob@example.com" not in full and "<html" in full
    nobody = client.get(attendees_url(event, q="zed")).content.decode()
    assert "Nobody matches “zed”" in nobody


@pytest.mark.parametrize(
    "params", [{"q": "x" * 10_000}, {"status": "evil"}, {"page": "abc"}, {"page": "99999"}]
)
def test_attendee_bad_input_is_never_an_error(client, organizer, params):
    event = EventFactory(organizer=organizer)
    registered(event, "Ann")
    assert client.get(attendees_url(event, **params)).status_code == 200


@pytest.mark.parametrize("people", [2, 60])
def test_attendees_page_runs_constant_queries(
    client, organizer, people, django_assert_max_num_queries
):
    event = EventFactory(organizer=organizer, capacity=people // 2)
    for _ in range(people):
        services.register(user=UserFactory(), event=event)
    with django_assert_max_num_queries(8):
        client.get(attendees_url(event))
    with django_assert_max_num_queries(8):
        client.get(attendees_url(event, status="waitlisted"), headers=HX)


def test_check_in_and_undo_in_page_update_the_counts(client, organizer):
    event = EventFactory(organizer=organizer)
    (registration,) = registered(event, "Ann")
    response = client.post(check_in_url(registration), {"check-in": "1"}, headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<tr id="registration-{registration.pk}" class="is-checked-in"'
    )
    assert "Undo check-in of Ann" in html
    assert 'id="attendee-counts"' in html and 'hx-swap-oob="true"' in html
    assert "<dt>Checked in</dt><dd>1</dd>" in html
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    html = client.post(check_in_url(registration), {"check-in": "0"}, headers=HX).content.decode()
    assert "Check in Ann" in html and "<dt>Checked in</dt><dd>0</dd>" in html
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_check_in_without_javascript_redirects_back(client, organizer):
    event = EventFactory(organizer=organizer)
    (registration,) = registered(event, "Ann")
    back = attendees_url(event, q="ann")
    response = client.post(check_in_url(registration), {"check-in": "1", "next": back})
    assert response["Location"] == back
    evil = client.post(check_in_url(registration), {"check-in": "1", "next": "https://evil.test/"})
    assert evil["Location"] == attendees_url(event)


def test_waitlisted_people_cannot_be_checked_in(client, organizer):
    event = EventFactory(organizer=organizer, capacity=1)
    _, waiting = registered(event, "Ann", "Bob")
    response = client.post(check_in_url(waiting), {"check-in": "1"}, headers=HX)
    assert response.status_code == 422
    assert "Only confirmed attendees can be checked in." in response["HX-Trigger"]


# CSV export


def export(client, event):
    response = client.get(reverse("organize:export", kwargs={"slug": event.slug}))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(body)))


def test_export_streams_every_registration(client, organizer):
    event = EventFactory(organizer=organizer, capacity=1, slug="rooftop-jazz")
    ann, bob = registered(event, "Ann", "Bob")
    services.check_in(registration=ann, checked_in=True)
    services.cancel_registration(user=bob.user, event=event)
    response, rows = export(client, event)
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="rooftop-jazz-attendees-'
    )
    assert rows[0] == [
        "Name",
        "Email",
        "Status",
        "Guests",
        "Guest names",
        "Registered at",
        "Checked in at",
    ]
    assert [row[:3] for row in rows[1:]] == [
        ["Ann", "ann@example.com", "Confirmed"],
        ["Bob", "bob@example.com", "Cancelled"],
    ]
    ann.refresh_from_db()
    assert rows[1][6] == ann.checked_in_at.isoformat(timespec="seconds")
    assert rows[2][6] == ""


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"])
def test_export_escapes_formulas(client, organizer, name):
    event = EventFactory(organizer=organizer)
    services.register(user=UserFactory(name=name), event=event)
    _, rows = export(client, event)
    assert rows[1][0] == "'" + name


def test_export_yields_one_line_per_registration(client, organizer):
    event = EventFactory(organizer=organizer, capacity=300)
    Registration.objects.bulk_create(
        Registration(event=event, user=user, status=Registration.Status.CONFIRMED)
        for user in UserFactory.create_batch(300)
    )
    response = client.get(reverse("organize:export", kwargs={"slug": event.slug}))
    lines = iter(response.streaming_content)
    first = next(lines)
    assert first == "\ufeff".encode()
    assert sum(1 for _ in lines) == 301
