"""Times in a browser that lives in another zone than the event."""

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from e2e.test_catalogue import log_in
from events.models import Event
from tests.factories import EventFactory

# The first Saturday of March two years on: always ahead, always another year (so its
# date carries it), and before either New York's or Europe's clocks change.
SAT = next(
    day
    for day in (date(datetime.now(UTC).year + 2, 3, n) for n in range(1, 8))
    if day.weekday() == 5
)
SUN = SAT + timedelta(days=1)


def shown(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@pytest.mark.browser_context_args(timezone_id="Europe/Berlin")
def test_an_event_made_for_new_york_shows_new_york_time_and_berlin_time(page: Page, db, password):
    log_in(page, password)
    page.get_by_role("link", name="Create an event").click()
    # A first event starts in the zone the browser reports.
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")

    page.get_by_label("Title").fill("Hudson river talk")
    page.get_by_label("Description").fill("Bridges and tides.")
    page.get_by_label("Starts").fill(f"{SAT}T19:00")
    page.get_by_label("Ends").fill(f"{SAT}T21:00")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_label("Venue").fill("Pier 57")
    page.get_by_label("City", exact=True).fill("New York")
    page.get_by_label("Capacity").fill("30")
    page.get_by_role("button", name="Publish event").click()

    when = page.get_by_role("complementary", name="Event details")
    expect(when).to_contain_text(f"{shown(SAT)}, 19:00 – 21:00 EST (New York)")
    expect(when).to_contain_text(f"Your time: {shown(SUN)}, 01:00 – 03:00 CET (Berlin)")
    event = Event.objects.get(title="Hudson river talk")
    assert event.starts_at == datetime(SUN.year, 3, SUN.day, 0, tzinfo=UTC)


@pytest.mark.browser_context_args(timezone_id="Asia/Tokyo")
def test_a_first_visit_shows_the_browsers_time_before_the_server_knows_it(page: Page, db):
    event = EventFactory(
        title="Oslo meetup",
        time_zone="Europe/Oslo",
        starts_at=datetime(SAT.year, 3, SAT.day, 18, tzinfo=UTC),
        ends_at=datetime(SAT.year, 3, SAT.day, 20, tzinfo=UTC),
    )
    page.goto(event.get_absolute_url())
    details = page.get_by_role("complementary", name="Event details")
    expect(details).to_contain_text(f"{shown(SAT)}, 19:00 – 21:00 CET (Oslo)")
    # Filled in by the browser: Intl's own wording, on Tokyo's clock.
    expect(details.locator(".viewer-time")).to_contain_text("Your time:")
    expect(details.locator(".viewer-time")).to_contain_text("03:00")
    expect(details.locator(".viewer-time")).to_contain_text("(Tokyo)")
    # The next page comes from the server, which now has the browser's zone.
    page.reload()
    expect(details).to_contain_text(f"Your time: {shown(SUN)}, 03:00 – 05:00 JST (Tokyo)")
