"""Times in a browser that lives in another zone than the event."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from e2e.test_catalogue import log_in
from events.models import Event
from tests.factories import EventFactory

# Dates in another year than this one carry it: this test's dates are in 2027.
Y = "" if datetime.now(UTC).year == 2027 else " 2027"


@pytest.mark.browser_context_args(timezone_id="Europe/Berlin")
def test_an_event_made_for_new_york_shows_new_york_time_and_berlin_time(page: Page, db, password):
    log_in(page, password)
    page.get_by_role("link", name="Create an event").click()
    # A first event starts in the zone the browser reports.
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")

    page.get_by_label("Title").fill("Hudson river talk")
    page.get_by_label("Description").fill("Bridges and tides.")
    page.get_by_label("Starts").fill("2027-03-06T19:00")
    page.get_by_label("Ends").fill("2027-03-06T21:00")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_label("Venue").fill("Pier 57")
    page.get_by_label("City", exact=True).fill("New York")
    page.get_by_label("Capacity").fill("30")
    page.get_by_role("button", name="Publish event").click()

    when = page.get_by_role("complementary", name="Event details")
    expect(when).to_contain_text(f"Sat 6 Mar{Y}, 19:00 – 21:00 EST (New York)")
    expect(when).to_contain_text(f"Your time: Sun 7 Mar{Y}, 01:00 – 03:00 CET (Berlin)")
    event = Event.objects.get(title="Hudson river talk")
    assert event.starts_at == datetime(2027, 3, 7, 0, tzinfo=UTC)


@pytest.mark.browser_context_args(timezone_id="Asia/Tokyo")
def test_a_first_visit_shows_the_browsers_time_before_the_server_knows_it(page: Page, db):
    event = EventFactory(
        title="Oslo meetup",
        time_zone="Europe/Oslo",
        starts_at=datetime(2027, 3, 6, 18, tzinfo=UTC),
        ends_at=datetime(2027, 3, 6, 20, tzinfo=UTC),
    )
    page.goto(event.get_absolute_url())
    details = page.get_by_role("complementary", name="Event details")
    expect(details).to_contain_text(f"Sat 6 Mar{Y}, 19:00 – 21:00 CET (Oslo)")
    # Filled in by the browser: Intl's own wording, on Tokyo's clock.
    expect(details.locator(".viewer-time")).to_contain_text("Your time:")
    expect(details.locator(".viewer-time")).to_contain_text("03:00")
    expect(details.locator(".viewer-time")).to_contain_text("(Tokyo)")
    # The next page comes from the server, which now has the browser's zone.
    page.reload()
    expect(details).to_contain_text(f"Your time: Sun 7 Mar{Y}, 03:00 – 05:00 JST (Tokyo)")
