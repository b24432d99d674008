"""Journeys that also run against a deployed EMS, with its demo accounts (`seed_demo
--force` on a staging site):

    make test PYTEST_ARGS="e2e --base-url https://staging.example.org"

Only these run then; the others make their own data in the test database. Without
--base-url they run against the test server, on demo data seeded for them. They
change nothing for good: a registration they make, they cancel."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from e2e.test_catalogue import card_titles, results

pytestmark = pytest.mark.deployed

ATTENDEE = ("attendee@example.com", "ems-attendee-demo")
ORGANIZER = ("lin-okafor@demo.ems.test", "ems-demo")


@pytest.fixture
def demo(pytestconfig, request):
    """A deployed site has its demo accounts already; the test server gets them here."""
    if not pytestconfig.getoption("base_url"):
        request.getfixturevalue("transactional_db")
        call_command("seed_demo", "--events", "16", "--users", "6", "--force", verbosity=0)


def log_in(page: Page, email: str, password: str):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_visitor_searches_the_catalogue_and_opens_an_event(page: Page, demo):
    page.goto("/events/")
    first = card_titles(page).first.inner_text()
    word = first.split()[-1]
    page.get_by_role("searchbox", name="Search").fill(word)
    expect(page).to_have_url(re.compile(rf"q={word}"))
    expect(results(page)).to_contain_text(first)  # the event the word came from
    results(page).get_by_role("link", name=first, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    expect(page.get_by_role("complementary", name="Event details")).to_contain_text("When")


def test_the_demo_attendee_registers_from_a_card_and_cancels_in_my_events(page: Page, demo):
    log_in(page, *ATTENDEE)
    page.goto("/events/?seats=on")
    one_click = re.compile(r"^Register: ")
    cards = results(page).get_by_role("article")
    open_card = cards.filter(has=page.get_by_role("button", name=one_click)).first
    link = open_card.get_by_role("heading").get_by_role("link")
    title, href = link.inner_text(), link.get_attribute("href")
    card = cards.filter(has=page.locator(f'a[href="{href}"]'))
    card.get_by_role("button", name=one_click).click()
    expect(card).to_contain_text("✓ You're registered")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My events").click()
    row = page.locator("[id^=my-registration-]").filter(has=page.locator(f'a[href="{href}"]'))
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=f"Cancel: {title}").click()
    expect(row).to_contain_text(f"You're no longer registered for {title}.")


def test_a_demo_organizer_sees_the_events_they_run(page: Page, demo):
    log_in(page, *ORGANIZER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events you organize")
    expect(page.get_by_role("main").get_by_role("link").first).to_be_visible()
