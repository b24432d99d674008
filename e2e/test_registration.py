import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from events import services
from tests.factories import PASSWORD, EventFactory, UserFactory

MARKER = "window.__noReload = 'still here'"


def log_in(page: Page, email: str):
    """Signed in by a session cookie, as the login form would leave it: two page loads
    fewer per journey. The form has its own journeys (test_accounts, test_keyboard and
    the visitor's Register below)."""
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # The live server's host (pytest-django's default); cookies don't carry a port.
    session = {"name": cookie.key, "value": cookie.value, "domain": "localhost", "path": "/"}
    page.context.add_cookies([session])


def log_in_with_the_form(page: Page, email: str):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def panel(page: Page):
    return page.get_by_role("region", name="Registration")


def seats(page: Page):
    return page.get_by_role("complementary", name="Event details").locator(".seat-count")


def test_register_and_cancel_in_page(page: Page, attendee):
    event = EventFactory(title="Rust workshop", capacity=10)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    page.evaluate(MARKER)
    expect(seats(page)).to_have_text("10 of 10 left")

    panel(page).get_by_role("button", name="Register").click()
    expect(panel(page)).to_contain_text("You're registered.")
    expect(seats(page)).to_have_text("9 of 10 left")
    expect(page.get_by_role("status")).to_contain_text("You're registered. See you there!")
    assert page.evaluate("window.__noReload") == "still here"
    assert mail.outbox[-1].subject == "You're registered: Rust workshop"
    expect(panel(page).locator(".panel-status")).to_be_focused()

    page.once("dialog", lambda dialog: dialog.accept())
    panel(page).get_by_role("button", name="Cancel registration").click()
    expect(panel(page)).to_contain_text("Free · 10 seats left")
    expect(seats(page)).to_have_text("10 of 10 left")
    expect(page.get_by_role("status")).to_contain_text("Your registration is cancelled.")
    assert page.evaluate("window.__noReload") == "still here"


def test_a_visitor_registers_by_logging_in_from_the_register_button(page: Page, attendee):
    event = EventFactory(title="Rust workshop", capacity=10)
    page.goto(event.get_absolute_url())
    panel(page).get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Log in to register for Rust workshop"
    )
    page.get_by_label("Email").fill(attendee.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(event.get_absolute_url()) + "$"))
    expect(panel(page)).to_contain_text("You're registered.")
    expect(page.get_by_role("status")).to_contain_text("You're registered. See you there!")
    assert mail.outbox[-1].subject == "You're registered: Rust workshop"


def test_dismissing_the_cancel_confirmation_keeps_the_seat(page: Page, attendee):
    event = EventFactory()
    services.register(user=attendee, event=event)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.dismiss())
    panel(page).get_by_role("button", name="Cancel registration").click()
    expect(panel(page)).to_contain_text("You're registered.")
    assert event.registrations.active().count() == 1


def test_full_event_waitlist_and_promotion(page: Page, attendee):
    event = EventFactory(title="Jazz night", capacity=1, waitlist_enabled=True)
    holder = UserFactory()
    services.register(user=holder, event=event)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    expect(panel(page)).to_contain_text("Event full.")

    panel(page).get_by_role("button", name="Join the waitlist").click()
    expect(panel(page)).to_contain_text("You're #1 on the waitlist.")

    services.cancel_registration(user=holder, event=event)
    page.reload()
    expect(panel(page)).to_contain_text("You're registered.")
    promoted = [m for m in mail.outbox if m.to == [attendee.email]]
    assert promoted[-1].subject == "A seat opened up, you're in: Jazz night"


def test_register_without_javascript(browser: Browser, base_url, attendee):
    event = EventFactory(title="No-JS meetup", capacity=3)
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    panel(page).get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(re.escape(event.get_absolute_url()) + "$"))
    expect(panel(page)).to_contain_text("You're registered.")
    # Without JavaScript the toast is read where it is, before the page's content.
    expect(page.locator("#messages")).to_contain_text("You're registered. See you there!")
    expect(seats(page)).to_have_text("2 of 3 left")
    context.close()


def test_register_from_a_list_card(page: Page, attendee):
    EventFactory(title="Jazz night", capacity=5)
    log_in(page, attendee.email)
    page.goto("/events/")
    page.evaluate(MARKER)
    card = page.get_by_role("article").filter(has_text="Jazz night")
    expect(card).to_contain_text("5 of 5 left")
    card.get_by_role("button", name="Register: Jazz night").click()
    expect(card).to_contain_text("✓ You're registered")
    expect(card).to_contain_text("4 of 5 left")
    expect(page.get_by_role("status")).to_contain_text("You're registered. See you there!")
    assert page.evaluate("window.__noReload") == "still here"
