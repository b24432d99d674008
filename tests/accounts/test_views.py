import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.forms import BAD_LOGIN, DUPLICATE_EMAIL

User = get_user_model()
pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
PROFILE = reverse("accounts:profile")


def signup_data(**overrides):
    data = {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "password1": "Cobol-compiler-1959",
        "password2": "Cobol-compiler-1959",
    }
    return data | overrides


def logged_in_user(client):
    return client.get(reverse("home")).wsgi_request.user


# Sign up


def test_signup_page_renders(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    assert b"Create your account" in response.content


def confirm_link(message) -> str:
    return re.search(r"http://localhost:8000(/accounts/confirm/\S+/)", message.body).group(1)


def sign_up(client, django_capture_on_commit_callbacks, url=SIGNUP, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, signup_data(**data))


def test_signup_creates_an_unconfirmed_account_and_the_link_signs_in(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, email="Grace@Example.com")
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get()
    assert (user.email, user.name, user.is_verified) == ("grace@example.com", "Grace Hopper", False)
    assert not logged_in_user(client).is_authenticated
    page = client.get(response["Location"]).content.decode()
    assert "We sent a link to <strong>grace@example.com</strong>" in page

    [message] = mail.outbox
    assert message.subject == "Confirm your email address for EMS"
    link = confirm_link(message)
    assert "Confirm grace@example.com" in client.get(link).content.decode()
    user.refresh_from_db()
    assert not user.is_verified  # opening the link changes nothing; the button does
    done = client.post(link, follow=True)
    assert done.redirect_chain[-1] == (reverse("home"), 302)
    assert "Your email address is confirmed. Welcome, Grace Hopper!" in done.content.decode()
    user.refresh_from_db()
    assert user.is_verified
    assert logged_in_user(client) == user


def test_after_confirming_a_safe_next_is_followed(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, url=f"{SIGNUP}?next=/accounts/profile/")
    assert client.post(confirm_link(mail.outbox[0]))["Location"] == "/accounts/profile/"


@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_signup_ignores_an_unsafe_next(client, evil, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, next=evil)
    assert client.post(confirm_link(mail.outbox[0]))["Location"] == reverse("home")


def test_signup_with_a_taken_address_looks_the_same_and_tells_the_owner(
    client, user, django_capture_on_commit_callbacks
):
    taken = sign_up(client, django_capture_on_commit_callbacks, email="ADA@EXAMPLE.COM")
    assert taken["Location"] == reverse("accounts:signup_sent")
    assert User.objects.count() == 1
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "You already have a EMS account"
    assert not logged_in_user(client).is_authenticated


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"name": ""}, "name", "This field is required."),
        ({"password1": "short", "password2": "short"}, "password2", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password2", "too common"),
        ({"password1": "84729384729", "password2": "84729384729"}, "password2", "entirely numeric"),
        ({"password2": "something-else-entirely"}, "password2", "didn\u2019t match"),
    ],
)
def test_signup_bad_input_shows_inline_errors(client, overrides, field, message):
    response = client.post(SIGNUP, signup_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_keeps_what_was_typed_except_passwords(client):
    response = client.post(SIGNUP, signup_data(password2="nope"))
    html = response.content.decode()
    assert 'value="grace@example.com"' in html
    assert 'value="Grace Hopper"' in html
    assert "Cobol-compiler-1959" not in html


def test_signup_redirects_people_already_logged_in(client, user):
    client.force_login(user)
    assert client.get(SIGNUP)["Location"] == reverse("home")


# Log in and out


def test_login_with_email_in_any_case(client, user, password):
    response = client.post(LOGIN, {"username": "ADA@example.com", "password": password})
    assert response.status_code == 302
    assert logged_in_user(client) == user


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "inactive"])
def test_login_errors_never_reveal_whether_the_email_exists(client, make_user, password, case):
    make_user(is_active=case != "inactive")
    email = "nobody@example.com" if case == "unknown email" else "ada@example.com"
    typed = "wrong-password" if case == "wrong password" else password
    response = client.post(LOGIN, {"username": email, "password": typed})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [BAD_LOGIN]
    assert not logged_in_user(client).is_authenticated


def test_login_with_empty_fields_is_an_inline_error(client):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["This field is required."]


def test_login_follows_safe_next_and_ignores_unsafe_next(client, user, password):
    data = {"username": user.email, "password": password}
    assert client.post(LOGIN, data | {"next": PROFILE})["Location"] == PROFILE
    client.logout()
    assert client.post(LOGIN, data | {"next": "https://evil.example/"})["Location"] == "/"


def test_login_page_carries_next_to_the_form_and_signup_link(client):
    html = client.get(f"{LOGIN}?next={PROFILE}").content.decode()
    assert f'name="next" value="{PROFILE}"' in html
    assert f"{SIGNUP}?next={PROFILE}" in html


def test_logout_needs_post(client, user):
    client.force_login(user)
    assert client.get(LOGOUT).status_code == 405
    assert logged_in_user(client).is_authenticated
    response = client.post(LOGOUT, follow=True)
    assert not logged_in_user(client).is_authenticated
    assert "logged out. See you soon!" in response.content.decode()


# Navigation


def test_nav_shows_login_and_signup_to_anonymous_visitors(client):
    html = client.get(reverse("home")).content.decode()
    assert "Log in" in html
    assert "Sign up" in html
    assert "Log out" not in html


def test_nav_shows_the_user_and_a_logout_form(client, user):
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Ada Lovelace" in html
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)
    assert "Sign up" not in html


# Profile and password


def test_profile_needs_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PROFILE}"


def test_profile_saves_the_name(client, user):
    client.force_login(user)
    response = client.post(PROFILE, {"name": "Ada King", "email": user.email}, follow=True)
    user.refresh_from_db()
    assert (user.name, user.email) == ("Ada King", "ada@example.com")
    assert "Your profile is saved." in response.content.decode()


def test_profile_keeps_own_email_but_refuses_someone_elses(client, make_user, password):
    ada = make_user()
    make_user(email="grace@example.com", name="Grace")
    client.force_login(ada)
    assert client.post(PROFILE, {"name": "Ada", "email": "ADA@example.com"}).status_code == 302
    response = client.post(
        PROFILE, {"name": "Ada", "email": "Grace@Example.com", "current_password": password}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [DUPLICATE_EMAIL]
    ada.refresh_from_db()
    assert (ada.email, ada.pending_email) == ("ada@example.com", "")


def test_password_change(client, user, password):
    client.force_login(user)
    url = reverse("accounts:password_change")
    bad = client.post(url, {"old_password": "wrong", "new_password1": "x", "new_password2": "x"})
    assert bad.status_code == 200
    assert "old_password" in bad.context["form"].errors
    new = "Brand-new-secret-42"
    good = client.post(
        url, {"old_password": password, "new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password is changed." in good.content.decode()
    assert logged_in_user(client) == user  # the session survives the change
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_by_email(client, user, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://events.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ADA@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert message.subject == "Reset your EMS password"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    link = re.search(
        r"https://events.example.com(/accounts/password/reset/\S+/)", message.body
    ).group(1)
    assert link in html

    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    new = "Reset-and-renewed-77"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    assert "expired" in client.get(link).content.decode()  # the link works once


def test_password_reset_for_unknown_email_looks_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ghost@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_with_a_garbage_link_is_friendly(client):
    response = client.get("/accounts/password/reset/zzz/not-a-token/")
    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
