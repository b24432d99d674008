"""Answering requests from the attendee list: tabs by status, one at a time or in
bulk, with a message, in place or without JavaScript."""

import json
import re

import pytest
from django.core import mail

from events import services
from events.models import Registration
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

from .test_workspace import HX, attendees_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(client):
    user = UserFactory(name="Olga Organizer")
    client.force_login(user)
    return user


@pytest.fixture
def event(organizer):
    return EventFactory(organizer=organizer, capacity=3, requires_approval=True, guests_allowed=2)


def ask(event, name, guests=0):
    user = UserFactory(name=name, email=f"{name.lower()}@example.com")
    return services.register(user=user, event=event, guests=guests).registration


def names(html):
    return re.findall(r'<td data-label="Name">([^<]+)', html)


def toasts(response):
    return [item["text"] for item in json.loads(response["HX-Trigger"])["messages"]["items"]]


def test_tabs_count_people_in_each_status(client, event):
    ann, bob = ask(event, "Ann", guests=1), ask(event, "Bob")
    ask(event, "Cy", guests=2)
    services.approve(event=event, registrations=[ann.pk])
    services.decline(event=event, registrations=[bob.pk])
    html = client.get(attendees_url(event)).content.decode()
    for label, count in (("Everyone", 5), ("Pending", 3), ("Going", 2), ("Declined", 1)):
        assert re.search(rf'>{label} <span class="tab-count">{count}</span>', html), label
    assert names(html) == ["Ann", "Cy"]
    pending = client.get(attendees_url(event, status="pending"), headers=HX).content.decode()
    assert names(pending) == ["Cy"]
    assert 'aria-current="page">Pending' in pending
    declined = client.get(attendees_url(event, status="declined")).content.decode()
    assert names(declined) == ["Bob"]


def test_events_without_approval_show_no_request_tabs_or_checkboxes(client, organizer):
    event = EventFactory(organizer=organizer)
    services.register(user=UserFactory(name="Ann"), event=event)
    html = client.get(attendees_url(event)).content.decode()
    assert ">Pending <" not in html and ">Declined <" not in html
    assert 'type="checkbox"' not in html and "decide-form" not in html


def test_approve_one_in_place(client, event, django_capture_on_commit_callbacks):
    ann = ask(event, "Ann", guests=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            attendees_url(event, status="pending"),
            {"decision": "approve", "registration": ann.pk, "message": "See you!"},
            headers=HX,
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="attendee-results"')
    assert 'id="attendee-counts"' in html and "<dt>Confirmed</dt><dd>2/3</dd>" in html
    assert toasts(response) == ["1 request approved: they have seats."]
    assert names(html) == []  # the pending tab is empty now
    ann.refresh_from_db()
    assert (ann.status, ann.organizer_message) == ("confirmed", "See you!")
    assert mail.outbox[-1].subject.startswith("You're in:")
    assert "See you!" in mail.outbox[-1].body
    assert_invariant(event)


def test_approve_in_bulk_seats_those_who_fit_and_queues_the_rest(client, event):
    ann, bob, cy = ask(event, "Ann", guests=2), ask(event, "Bob"), ask(event, "Cy")
    data = {"decision": "approve", "registration": [ann.pk, bob.pk, cy.pk]}
    response = client.post(attendees_url(event), data, headers=HX)
    assert toasts(response) == [
        "1 request approved: they have seats.",
        "2 requests approved onto the waitlist: not enough seats are free.",
    ]
    assert_invariant(event)


def test_decline_in_bulk_without_javascript(client, event):
    ann, bob = ask(event, "Ann"), ask(event, "Bob")
    url = attendees_url(event, status="pending", q="a")
    data = {"decision": "decline", "registration": [ann.pk, bob.pk], "message": "Full"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "2 requests declined." in response.content.decode()
    assert set(event.registrations.values_list("status", flat=True)) == {"declined"}


@pytest.mark.parametrize(
    ("data", "status", "toast"),
    [
        ({"decision": "approve"}, 422, "Choose at least one request first."),
        ({"decision": "approve", "registration": "x"}, 422, "Choose at least one request first."),
        (
            {"decision": "approve", "registration": "PK", "message": "m" * 1001},
            422,
            "Keep the message under 1,000 characters.",
        ),
    ],
)
def test_bad_answers_change_nothing(client, event, data, status, toast):
    pending = ask(event, "Ann")
    if data.get("registration") == "PK":
        data = {**data, "registration": pending.pk}
    response = client.post(attendees_url(event), data, headers=HX)
    assert response.status_code == status
    assert toasts(response) == [toast]
    pending.refresh_from_db()
    assert pending.is_pending


def test_an_unknown_decision_is_400(client, event):
    pending = ask(event, "Ann")
    response = client.post(attendees_url(event), {"decision": "maybe", "registration": pending.pk})
    assert response.status_code == 400


def test_requests_of_another_event_are_not_touched(client, event):
    other = EventFactory(capacity=5, requires_approval=True)
    theirs = services.register(user=UserFactory(), event=other).registration
    response = client.post(
        attendees_url(event), {"decision": "approve", "registration": theirs.pk}, headers=HX
    )
    assert toasts(response) == ["Those requests were answered already."]
    theirs.refresh_from_db()
    assert theirs.is_pending


def test_only_the_organizer_may_answer(client, event):
    pending = ask(event, "Ann")
    client.force_login(UserFactory())
    data = {"decision": "approve", "registration": pending.pk}
    assert client.post(attendees_url(event), data).status_code == 403
    client.logout()
    assert client.post(attendees_url(event), data).status_code in (302, 403)
    assert Registration.objects.get(pk=pending.pk).is_pending


def test_the_pending_tab_runs_constant_queries(client, event, django_assert_max_num_queries):
    for n in range(30):
        ask(event, f"P{n}")
    with django_assert_max_num_queries(8):
        client.get(attendees_url(event, status="pending"), headers=HX)


@pytest.mark.parametrize("pk", ["²", "9" * 5000, "-1"])
def test_odd_ids_are_no_selection(client, event, pk):
    ask(event, "Ann")
    response = client.post(
        attendees_url(event), {"decision": "approve", "registration": pk}, headers=HX
    )
    assert response.status_code == 422
    assert toasts(response) == ["Choose at least one request first."]
