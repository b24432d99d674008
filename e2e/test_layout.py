import pytest
from playwright.sync_api import Page, expect

from e2e.test_registration import log_in
from tests.factories import EventFactory, UserFactory


@pytest.mark.parametrize("path", ["/", "/events/?q=nothing", "/accounts/signup/", "EVENT"])
def test_pages_fit_a_phone_screen(page: Page, db, path):
    event = EventFactory(title="A long enough title to wrap on a small phone screen")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(event.get_absolute_url() if path == "EVENT" else path)
    assert page.evaluate("document.documentElement.scrollWidth") == 390


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", [390, 360])
def test_the_signed_in_header_fits_a_phone_in_each_language(page: Page, db, language, width):
    organizer = UserFactory(name="Kenji Sato")
    event = EventFactory(organizer=organizer)
    log_in(page, organizer.email)
    page.goto(f"/language/{language}/?next={event.get_absolute_url()}")
    page.set_viewport_size({"width": width, "height": 844})
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert page.evaluate("document.documentElement.scrollWidth") == width
