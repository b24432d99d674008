import pytest
from django.contrib.auth import get_user_model

from events import services
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def add_user(admin_client, email):
    return admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": email,
            "name": "Grace",
            "usable_password": "true",
            "password1": "Cobol-compiler-1959",
            "password2": "Cobol-compiler-1959",
        },
    )


def test_admin_adds_users_with_lowercased_email(admin_client):
    assert add_user(admin_client, "Grace@Example.com").status_code == 302
    assert User.objects.get(name="Grace").email == "grace@example.com"


def test_admin_refuses_an_email_taken_in_another_case(admin_client):
    response = add_user(admin_client, "ROOT@example.com")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_admin_user_list_and_search(admin_client):
    UserFactory(email="ada@example.com", name="Ada")
    html = admin_client.get("/admin/accounts/user/", {"q": "ada"}).content.decode()
    assert "ada@example.com" in html and "root@example.com" not in html


def test_a_person_with_registrations_cannot_be_deleted_so_no_seat_is_lost(admin_client):
    event = EventFactory()
    person = UserFactory()
    services.register(user=person, event=event)
    response = admin_client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})
    assert "Cannot delete user" in response.content.decode()
    event.refresh_from_db()
    assert event.seats_taken == event.registrations.confirmed().count() == 1
