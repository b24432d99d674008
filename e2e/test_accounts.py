import re

from django.core import mail
from playwright.sync_api import Page, expect

PASSWORD = "Cobol-compiler-1959"


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def test_sign_up_confirm_the_address_log_out_and_log_in_again(page: Page):
    page.goto("/")
    main_nav(page).get_by_role("link", name="Sign up").click()

    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Email").fill("Grace@Example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("We sent a link to grace@example.com")).to_be_visible()
    [message] = mail.outbox
    link = re.search(r"http://localhost:8000(/accounts/confirm/\S+/)", message.body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm grace@example.com").click()

    expect(main_nav(page).get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Grace Hopper!")
    expect(page.get_by_role("complementary", name="Confirm your email address")).to_have_count(0)

    main_nav(page).get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("logged out")
    expect(main_nav(page).get_by_role("link", name="Grace Hopper")).to_have_count(0)

    main_nav(page).get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(main_nav(page).get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome back, Grace Hopper.")


def test_a_wrong_password_is_an_inline_error_and_keeps_the_email(page: Page, make_user):
    make_user(email="ada@example.com", name="Ada")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("That email and password don't match.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("ada@example.com")
    expect(main_nav(page).get_by_role("link", name="Log in")).to_be_visible()


def test_toasts_can_be_dismissed(page: Page, make_user):
    make_user(email="ada@example.com", name="Ada", password=PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    toast = page.locator("#messages .toast").filter(has_text="Welcome back, Ada.")
    expect(toast).to_be_visible()
    page.get_by_role("button", name="Dismiss").click()
    expect(toast).to_have_count(0)
