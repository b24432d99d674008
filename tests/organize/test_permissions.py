"""Who may run an event: its organizer and staff. Everyone else gets 404 for a draft
and 403 otherwise, on GET and POST alike, and never sees the controls."""

import pytest
from django.urls import reverse

from events.models import Event, Registration
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}

# (method, url name, extra kwargs): every organizer endpoint.
ENDPOINTS = [
    ("get", "events:edit", {}),
    ("post", "events:edit", {}),
    ("get", "events:edit-section", {"section": "title"}),
    ("post", "events:edit-section", {"section": "title"}),
    ("get", "events:section", {"section": "title"}),
    ("post", "events:publish", {}),
    ("post", "events:unpublish", {}),
    ("get", "events:cancel-event", {}),
    ("post", "events:cancel-event", {}),
    ("get", "events:delete", {}),
    ("post", "events:delete", {}),
    ("get", "organize:attendees", {}),
    ("get", "organize:export", {}),
    ("post", "organize:check-in", {"pk": 0}),
    ("post", "organize:send-again", {}),
]
ENDPOINT_IDS = [f"{method} {name}" for method, name, _ in ENDPOINTS]


def endpoint_url(name, event, extra):
    kwargs = {"slug": event.slug, **extra}
    if "pk" in kwargs:
        registration = Registration.objects.filter(event=event).first()
        kwargs["pk"] = registration.pk if registration else 1
    return reverse(name, kwargs=kwargs)


def attempt(client, method, name, event, extra):
    data = {"title": "Hijacked", "reason": "Because", "check-in": "1"}
    url = endpoint_url(name, event, extra)
    return (
        getattr(client, method)(url, data, headers=HX)
        if method == "post"
        else client.get(url, headers=HX)
    )


@pytest.fixture
def published():
    event = EventFactory(title="Real title")
    Registration.objects.create(
        event=event, user=UserFactory(), status=Registration.Status.CONFIRMED
    )
    Event.objects.filter(pk=event.pk).update(seats_taken=1)
    return event


@pytest.mark.parametrize(("method", "name", "extra"), ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_others_get_403_for_a_published_event(client, published, method, name, extra, who):
    if who == "stranger":
        client.force_login(UserFactory())
    response = attempt(client, method, name, published, extra)
    assert response.status_code == 403
    published.refresh_from_db()
    assert (published.title, published.status) == ("Real title", Event.Status.PUBLISHED)
    assert published.registrations.get().checked_in_at is None


@pytest.mark.parametrize(("method", "name", "extra"), ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_others_get_404_for_a_draft(client, method, name, extra, who):
    draft = EventFactory(title="Secret plan", status=Event.Status.DRAFT)
    if who == "stranger":
        client.force_login(UserFactory())
    response = attempt(client, method, name, draft, extra)
    assert response.status_code == 404
    assert Event.objects.get(pk=draft.pk).title == "Secret plan"


@pytest.mark.parametrize("who", ["organizer", "staff"])
def test_organizer_and_staff_may_open_every_page(client, published, who):
    user = published.organizer if who == "organizer" else UserFactory(is_staff=True)
    client.force_login(user)
    for name in ("events:edit", "events:cancel-event", "organize:attendees", "organize:export"):
        assert client.get(endpoint_url(name, published, {})).status_code == 200, name
    response = client.get(
        endpoint_url("events:edit-section", published, {"section": "title"}), headers=HX
    )
    assert response.status_code == 200


def test_staff_can_edit_someone_elses_event(client, published):
    client.force_login(UserFactory(is_staff=True))
    url = reverse("events:edit-section", kwargs={"slug": published.slug, "section": "title"})
    response = client.post(url, {"title": "Fixed by staff"}, headers=HX)
    assert response.status_code == 200
    published.refresh_from_db()
    assert published.title == "Fixed by staff"


@pytest.mark.parametrize("who", ["stranger", "anonymous", "attendee"])
def test_edit_controls_are_never_rendered_for_others(client, published, who):
    if who == "stranger":
        client.force_login(UserFactory())
    elif who == "attendee":
        client.force_login(published.registrations.get().user)
    html = client.get(published.get_absolute_url()).content.decode()
    assert "edit-button" not in html
    assert "Manage this event" not in html
    assert reverse("events:edit", kwargs={"slug": published.slug}) not in html


def test_the_organizer_sees_edit_controls(client, published):
    client.force_login(published.organizer)
    html = client.get(published.get_absolute_url()).content.decode()
    for label in ("poster", "category", "title", "description", "date and time", "venue"):
        assert f'aria-label="Edit {label}"' in html
    assert 'aria-label="Edit seats and registration"' in html
    assert "Manage this event" in html


def test_check_in_of_another_events_registration_is_404(client, published):
    client.force_login(published.organizer)
    other = EventFactory()
    stranger_registration = Registration.objects.create(
        event=other, user=UserFactory(), status=Registration.Status.CONFIRMED
    )
    url = reverse(
        "organize:check-in", kwargs={"slug": published.slug, "pk": stranger_registration.pk}
    )
    assert client.post(url, {"check-in": "1"}, headers=HX).status_code == 404
    stranger_registration.refresh_from_db()
    assert stranger_registration.checked_in_at is None


def test_dashboard_needs_login_and_shows_only_my_events(client, published):
    response = client.get(reverse("organize:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(UserFactory())
    html = client.get(reverse("organize:dashboard")).content.decode()
    assert "Real title" not in html


def test_unknown_section_and_unknown_event_are_404(client, published):
    client.force_login(published.organizer)
    bad = reverse("events:edit-section", kwargs={"slug": published.slug, "section": "seats_taken"})
    assert client.get(bad, headers=HX).status_code == 404
    missing = reverse("events:edit", kwargs={"slug": "no-such-event"})
    assert client.get(missing).status_code == 404


# Account pages and the admin


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "accounts:profile"),
        ("post", "accounts:profile"),
        ("get", "accounts:password_change"),
        ("post", "accounts:send_confirmation"),
        ("post", "accounts:cancel_email_change"),
        ("get", "my-registrations"),
        ("get", "organize:dashboard"),
    ],
)
def test_account_pages_send_anonymous_visitors_to_log_in(client, method, name):
    response = getattr(client, method)(reverse(name), {"name": "x", "email": "x@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/",
        "/admin/events/emaildelivery/",
        "/admin/accounts/user/",
        "/admin/events/category/",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "attendee", "staff without permissions"])
def test_the_admin_is_for_staff_with_permissions_only(client, published, url, who):
    if who != "anonymous":
        client.force_login(UserFactory(is_staff=who.startswith("staff")))
    response = client.get(url)
    if who == "staff without permissions":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_send_again_in_the_admin_needs_the_change_permission(client, published):
    from django.contrib.auth.models import Permission

    from events.models import EmailDelivery

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_emaildelivery"))
    client.force_login(viewer)
    page = client.get("/admin/events/emaildelivery/").content.decode()
    assert "send_again" not in page
    delivery = EmailDelivery.objects.create(kind="confirmed", user=viewer, status="failed")
    client.post(
        "/admin/events/emaildelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == "failed"
