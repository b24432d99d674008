"""Unlisted events open by their link only: never listed, searched, or indexed."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from events import services
from events.models import Event
from tests.events.test_create_view import CREATE, form_data
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
UNLISTED = Event.Visibility.UNLISTED


@pytest.fixture
def hidden():
    return EventFactory(title="Secret supper", city="Porto", visibility=UNLISTED)


@pytest.fixture
def shown():
    return EventFactory(title="Open supper", city="Porto")


def titles(client, path, **headers) -> str:
    return client.get(path, headers=headers).content.decode()


def test_the_catalogue_and_its_search_leave_it_out(client, hidden, shown):
    for path in ("/events/", "/events/?q=supper", "/events/?city=Porto", "/events/?sort=newest"):
        html = titles(client, path)
        assert "Open supper" in html and "Secret supper" not in html
        html = titles(client, path, **HX)
        assert "Open supper" in html and "Secret supper" not in html


def test_the_organizers_public_list_leaves_it_out(client, shown):
    hidden = EventFactory(title="Secret supper", organizer=shown.organizer, visibility=UNLISTED)
    html = titles(client, f"/events/?organizer={hidden.organizer_id}")
    assert "Open supper" in html and "Secret supper" not in html


def test_the_api_list_leaves_it_out_but_its_link_works(client, hidden, shown):
    listed = [event["title"] for event in client.get("/api/events/?q=supper").json()["results"]]
    assert listed == ["Open supper"]
    detail = client.get(f"/api/events/{hidden.slug}/")
    assert detail.status_code == 200 and detail.json()["visibility"] == "unlisted"


def test_its_link_opens_it_for_anyone_and_search_engines_are_told_to_skip_it(client, hidden, shown):
    page = titles(client, hidden.get_absolute_url())
    assert "Secret supper" in page and '<meta name="robots" content="noindex">' in page
    assert "noindex" not in titles(client, shown.get_absolute_url())


def test_registering_works_the_same(client, hidden):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("events:register", args=[hidden.slug]))
    assert response.status_code == 302
    assert hidden.registrations.get().user == person


def test_an_organizer_creates_an_unlisted_event(client):
    client.force_login(UserFactory())
    response = client.post(CREATE, form_data(visibility="unlisted"))
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert event.is_unlisted
    assert "Rust workshop" not in titles(client, "/events/")


def test_a_form_without_the_setting_keeps_it_and_a_made_up_one_is_refused(client):
    client.force_login(UserFactory())
    client.post(CREATE, form_data())
    assert Event.objects.get().visibility == Event.Visibility.PUBLIC
    response = client.post(CREATE, form_data(title="Other", visibility="secret"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Event.objects.count() == 1


def test_hiding_an_event_in_place_takes_it_off_the_cached_catalogue(client, shown):
    assert "Open supper" in titles(client, "/events/")  # now cached
    client.force_login(shown.organizer)
    url = reverse("events:edit-section", kwargs={"slug": shown.slug, "section": "visibility"})
    assert 'value="unlisted"' in titles(client, url, **HX)
    response = client.post(url, {"visibility": "unlisted"}, headers=HX)
    assert "Unlisted: only people with the link" in response.content.decode()
    client.logout()
    assert "Open supper" not in titles(client, "/events/")
    assert "Open supper" in titles(client, shown.get_absolute_url())


def test_the_database_refuses_a_visibility_it_does_not_know(shown):
    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=shown.pk).update(visibility="secret")


def test_the_services_treat_it_like_any_event(hidden):
    place = services.register(user=UserFactory(), event=hidden)
    assert place.is_confirmed
