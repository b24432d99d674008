import pytest
from playwright.sync_api import Page

from tests.factories import EventFactory


@pytest.mark.parametrize("path", ["/", "/events/?q=nothing", "/accounts/signup/", "EVENT"])
def test_pages_fit_a_phone_screen(page: Page, db, path):
    event = EventFactory(title="A long enough title to wrap on a small phone screen")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(event.get_absolute_url() if path == "EVENT" else path)
    assert page.evaluate("document.documentElement.scrollWidth") == 390
