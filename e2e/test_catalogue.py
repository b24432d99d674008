import io
import re
from datetime import timedelta

from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from events.models import Event
from tests.factories import CategoryFactory, EventFactory, UserFactory

MARKER = "window.__noReload = 'still here'"


def set_marker(page: Page):
    page.evaluate(MARKER)


def assert_no_full_navigation(page: Page):
    assert page.evaluate("window.__noReload") == "still here"


def results(page: Page):
    return page.get_by_role("region", name="Events")


def card_titles(page: Page):
    return results(page).get_by_role("heading", level=3)


def make_catalogue():
    music = CategoryFactory(name="Music", slug="music")
    tech = CategoryFactory(name="Technology", slug="technology")
    start = timezone.now() + timedelta(days=2)
    for n in range(14):
        EventFactory(
            title=f"Tech talk {n:02}",
            category=tech,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n + 1),
        )
    EventFactory(
        title="Jazz night", category=music, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    EventFactory(
        title="Choir evening", category=music, starts_at=start, ends_at=start + timedelta(hours=2)
    )


def test_filtering_updates_results_and_url_without_reloading(page: Page, db):
    make_catalogue()
    page.goto("/events/")
    set_marker(page)
    expect(results(page)).to_contain_text("16 events")

    page.get_by_label("Category").select_option(label="Music")
    expect(results(page)).to_contain_text("2 events")
    expect(card_titles(page)).to_have_text(["Jazz night", "Choir evening"])
    expect(page).to_have_url(re.compile(r"/events/\?category=music&ordering=soonest$"))

    page.get_by_label("Search").fill("jazz")
    expect(card_titles(page)).to_have_text(["Jazz night"])
    expect(page).to_have_url(re.compile(r"q=jazz"))
    assert_no_full_navigation(page)

    page.reload()  # the URL alone restores the same state
    expect(page.get_by_label("Search")).to_have_value("jazz")
    expect(card_titles(page)).to_have_text(["Jazz night"])


def test_leaving_the_search_box_asks_nothing_again(page: Page, db):
    """Typing asked already: a second answer, on leaving the box, would replace the
    results under the click that left it, and that click would be lost."""
    make_catalogue()
    page.goto("/events/")
    asked = []
    page.on("request", lambda request: request.headers.get("hx-request") and asked.append(request))
    page.get_by_label("Search").fill("jazz")
    expect(page).to_have_url(re.compile(r"q=jazz"))
    page.get_by_label("Only with seats left").check()  # leaves the search box
    expect(page).to_have_url(re.compile(r"seats=on"))
    assert len(asked) == 2, [request.url for request in asked]
    results(page).get_by_role("link", name="Jazz night", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jazz night")


def test_paginating_in_page_and_back_restores_the_previous_results(page: Page, db):
    make_catalogue()
    page.goto("/events/")
    set_marker(page)
    first_page = card_titles(page).all_inner_texts()
    assert len(first_page) == 12

    pagination = page.get_by_role("navigation", name="Pagination")
    pagination.get_by_role("link", name="Next →").click()
    expect(pagination).to_contain_text("Page 2 of 2")
    expect(card_titles(page)).to_have_count(4)
    expect(page).to_have_url(re.compile(r"page=2"))
    assert_no_full_navigation(page)

    page.go_back()
    expect(page.get_by_role("navigation", name="Pagination")).to_contain_text("Page 1 of 2")
    expect(card_titles(page)).to_have_text(first_page)


def poster_png() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 675), "#db2777").save(buffer, "PNG")
    return {"name": "poster.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def log_in(page: Page, password: str):
    user = UserFactory(email="org@example.com", name="Olga Organizer")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Olga Organizer")


def test_create_an_event_with_a_poster_and_find_it_in_the_list(page: Page, db, password):
    CategoryFactory(name="Music", slug="music")
    log_in(page, password)
    page.get_by_role("link", name="Create an event").click()

    page.get_by_label("Title").fill("Rooftop jazz")
    page.get_by_label("Category").select_option(label="Music")
    page.get_by_label("Description").fill("A trio under the stars.")
    starts = timezone.now() + timedelta(days=5)
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT19:00"))
    page.get_by_label("Ends").fill(starts.strftime("%Y-%m-%dT22:00"))
    page.get_by_label("Venue").fill("Pier 1")
    page.get_by_label("Capacity").fill("60")
    page.get_by_label("Poster").set_input_files(poster_png())
    set_marker(page)

    # The city is missing: the form comes back in place and keeps the chosen poster.
    page.get_by_role("button", name="Publish event").click()
    expect(page.get_by_text("In-person events need a city.")).to_be_visible()
    assert_no_full_navigation(page)
    expect(page.get_by_label("Title")).to_have_value("Rooftop jazz")

    page.get_by_label("City", exact=True).fill("Lisbon")
    page.get_by_role("button", name="Publish event").click()
    expect(page.get_by_role("heading", level=1, name="Rooftop jazz")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your event is published.")
    expect(page.get_by_role("img", name="Poster for Rooftop jazz")).to_be_visible()
    assert Event.objects.get(title="Rooftop jazz").poster

    page.get_by_role("link", name="Events", exact=True).click()
    card = results(page).get_by_role("article").filter(has_text="Rooftop jazz")
    expect(card).to_contain_text("Pier 1, Lisbon · Music")
    expect(card.get_by_role("img")).to_have_count(0)  # decorative: alt=""
    expect(card.locator("img")).to_have_attribute(
        "src", re.compile(r"/media/posters/cards/\w+\.webp")
    )


def test_an_unlisted_event_is_not_in_the_catalogue_but_opens_by_its_link(page: Page, db):
    EventFactory(title="Open supper")
    hidden = EventFactory(title="Secret supper", visibility=Event.Visibility.UNLISTED)
    page.goto("/events/")
    page.get_by_role("searchbox").fill("supper")
    expect(card_titles(page)).to_have_text(["Open supper"])

    page.goto(hidden.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Secret supper")
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
