"""Steps for the event page's inline editing, shared by the journeys that use it."""

from playwright.sync_api import Page, expect


def section(page: Page, name: str):
    return page.locator(f"#section-{name}")


# An inline swap is done once htmx has settled it and moved focus into it: until then
# its controls aren't wired and the page below it may still move under the next click.
def open_editor(page: Page, label: str):
    page.get_by_role("link", name=f"Edit {label}").click()
    expect(page.locator("form[data-inline-edit]:focus-within")).to_be_visible()


def save_editor(page: Page, label: str):
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name=f"Edit {label}")).to_be_focused()
