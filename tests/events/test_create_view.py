import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import CategoryFactory
from tests.images import image_upload, oversize_jpg, pixel_bomb, svg, text_as_jpg

pytestmark = pytest.mark.django_db

CREATE = reverse("events:create")
HX = {"HX-Request": "true"}


def local(delta):
    return (timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides):
    data = {
        "title": "Rust workshop",
        "category": CategoryFactory(name="Technology", slug="technology").pk,
        "description": "Ownership, borrowing, and pizza.",
        "starts_at": local(timedelta(days=10)),
        "ends_at": local(timedelta(days=10, hours=3)),
        "time_zone": "UTC",
        "venue": "LX Factory",
        "city": "Lisbon",
        "capacity": "40",
        "waitlist_enabled": "on",
        "publish": "1",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def organizer(client, user):
    client.force_login(user)
    return user


def test_create_needs_login(client):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_form_page(client, organizer):
    html = client.get(CREATE).content.decode()
    assert "<html" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-post="/events/new/"' in html


def test_publish_redirects_to_the_new_event(client, organizer):
    response = client.post(CREATE, form_data())
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert (event.status, event.organizer) == ("published", organizer)
    assert event.slug.startswith("rust-workshop-")
    assert event.seats_taken == 0


def test_save_as_draft(client, organizer):
    client.post(CREATE, form_data(publish=None, draft="1"))
    assert Event.objects.get().status == Event.Status.DRAFT


def test_htmx_success_redirects_the_browser(client, organizer):
    response = client.post(CREATE, form_data(), headers=HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == Event.objects.get().get_absolute_url()


def test_htmx_errors_rerender_only_the_form(client, organizer):
    response = client.post(CREATE, form_data(title=""), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="event-form"')
    assert "This field is required." in html
    assert 'value="LX Factory"' in html  # the rest of the input is kept
    assert "HX-Request" in response["Vary"]
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": local(timedelta(days=9))}, "ends_at", "must end after it starts"),
        ({"starts_at": local(timedelta(days=-1))}, "starts_at", "must be in the future"),
        ({"starts_at": "next tuesday"}, "starts_at", "Enter a valid date/time."),
        ({"capacity": "0"}, "capacity", "at least 1"),
        ({"capacity": "100001"}, "capacity", "at most 100,000"),
        ({"capacity": "lots"}, "capacity", "Enter a whole number."),
        ({"is_online": "on", "online_url": ""}, "online_url", "need a link"),
        ({"is_online": "on", "online_url": "not a url"}, "online_url", "Enter a valid URL."),
        ({"venue": ""}, "venue", "need a venue"),
        ({"city": ""}, "city", "need a city"),
        ({"category": "999999"}, "category", "Select a valid choice."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"description": "x" * 20_001}, "description", "at most 20000 characters"),
        ({"title": "\u2028\r\n\x00"}, "title", "This field is required."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, organizer, overrides, field, message):
    response = client.post(CREATE, form_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Event.objects.exists()


def test_online_event_needs_no_venue(client, organizer):
    client.post(
        CREATE,
        form_data(is_online="on", online_url="https://meet.example.com/x", venue="", city=""),
    )
    assert Event.objects.get().is_online


def test_poster_is_stored_resized_under_a_generated_name(client, organizer, settings):
    client.post(CREATE, form_data(poster=image_upload("My Holiday Photo.jpg", size=(2400, 1350))))
    event = Event.objects.get()
    assert event.poster.name.startswith("posters/") and event.poster.name.endswith(".webp")
    assert "Holiday" not in event.poster.name
    assert event.poster.width == 1600
    assert event.poster_card.width == 800
    assert len(media_files(settings)) == 2


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_posters_are_accepted(client, organizer, fmt):
    client.post(CREATE, form_data(poster=image_upload(f"p.{fmt.lower()}", fmt=fmt)))
    assert Event.objects.get().poster


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (text_as_jpg, "This file is not one, or it is damaged."),
        (oversize_jpg, "posters can be at most 5.0\xa0MB"),
        (pixel_bomb, "8000×6000 pixels (48.0 megapixels); a PNG poster like this one"),
        (svg, "This file is not one, or it is damaged."),
        (lambda: image_upload("anim.gif", fmt="GIF"), "Upload a JPEG, PNG or WebP image."),
    ],
    ids=["text renamed .jpg", "oversize", "pixel bomb", "svg", "gif"],
)
def test_bad_posters_are_refused_and_leave_nothing_behind(
    client, organizer, settings, upload, message
):
    response = client.post(CREATE, form_data(poster=upload()))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["poster"])
    assert not Event.objects.exists()
    assert media_files(settings) == []


def test_a_valid_poster_survives_an_htmx_rerender_but_a_bad_one_does_not(client, organizer):
    other_error = client.post(CREATE, form_data(title="", poster=image_upload()), headers=HX)
    assert '<div id="poster-field" hx-preserve>' in other_error.content.decode()
    bad_poster = client.post(CREATE, form_data(poster=svg()), headers=HX)
    assert '<div id="poster-field">' in bad_poster.content.decode()


def test_a_seventh_poster_in_ten_minutes_is_refused_before_any_work(
    client, organizer, django_assert_max_num_queries, throttle_clock
):
    for n in range(6):
        response = client.post(
            CREATE, form_data(title=f"Take {n}", poster=image_upload()), follow=True
        )
        assert response.redirect_chain[-1][1] == 302
    event = Event.objects.first()
    # Only the session is read: not the user, the event or any template of the site.
    seventh = form_data(title="Take 7", poster=image_upload())
    with django_assert_max_num_queries(1):
        response = client.post(CREATE, seventh, headers=HX)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response["HX-Trigger"]
    inline = client.post(
        reverse("events:edit-section", args=[event.slug, "poster"]),
        {"poster": image_upload()},
        headers=HX,
    )
    assert inline.status_code == 429
    assert Event.objects.count() == 6
    # Events without a poster are not held back.
    assert client.post(CREATE, form_data(title="No poster")).status_code == 302


def test_a_refused_upload_without_javascript_gets_a_page_back_to_the_form(
    client, organizer, throttle_clock
):
    for n in range(6):
        client.post(CREATE, form_data(title=f"Take {n}", poster=image_upload()))
    response = client.post(CREATE, form_data(title="Take 7", poster=image_upload()))
    html = response.content.decode()
    assert response.status_code == 429
    assert re.search(r"Too many attempts\. Please wait \d+ minutes? and try again\.", html)
    assert f'<a href="{CREATE}" class="button">Back to the form</a>' in html
    assert "css/app.css" in html


def test_an_upload_while_every_poster_slot_is_busy_is_asked_to_retry(
    client, organizer, settings, tmp_path
):
    from events import posters

    settings.VAR_DIR = tmp_path
    with posters.decoding_slot():
        response = client.post(CREATE, form_data(poster=image_upload()))
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Many posters are being processed" in response.content.decode()
    assert not Event.objects.exists()
