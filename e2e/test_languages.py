"""Switching to German in the browser: the catalogue, an event page and a form error."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import EventFactory


def test_switch_to_german_and_back(page: Page, db):
    event = EventFactory(title="Jazz im Hof")
    page.goto("/events/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommende Veranstaltungen")
    expect(page.get_by_label("Suche")).to_be_visible()

    page.get_by_role("link", name="Jazz im Hof", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(event.get_absolute_url()) + "$"))
    details = page.get_by_role("complementary", name="Veranstaltungsdetails")
    expect(details).to_contain_text("Wann")
    expect(details).to_contain_text("Plätze")

    page.get_by_role("link", name="Anmelden", exact=True).first.click()
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Dieses Feld ist zwingend erforderlich.").first).to_be_visible()

    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


@pytest.mark.parametrize(
    ("code", "failed", "offline"),
    [
        ("en", "Something went wrong (error 500).", "We couldn't reach the server."),
        ("de", "Etwas ist schiefgelaufen (Fehler 500).", "Wir konnten den Server nicht"),
    ],
)
def test_error_toasts_speak_the_page_language(context, db, code, failed, offline):
    # A page of its own: the failed requests below are logged as console errors,
    # which the shared `page` fixture rightly treats as failures.
    page = context.new_page()
    EventFactory(title="Jazz im Hof")
    page.goto(f"/language/{code}/?next=/events/")
    search = page.get_by_role("searchbox")

    page.route("**/events/?*", lambda route: route.fulfill(status=500, body=""))
    search.fill("Jazz")
    expect(page.get_by_role("status")).to_contain_text(failed)

    page.unroute("**/events/?*")
    page.route("**/events/?*", lambda route: route.abort())
    search.fill("Hof")
    expect(page.get_by_role("status")).to_contain_text(offline)
