"""Each kind of registration email, as the person receiving it sees it."""

import re
from datetime import UTC, datetime

import pytest
from django.template.loader import get_template
from icalendar import Calendar

from events.emails import KINDS, registration_message
from events.models import EmailDelivery, Registration
from events.outbox import ACCOUNT_KINDS
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.com/secret-room"
# kind: (subject, calendar METHOD or None, shows the online link)
EXPECTED = {
    "confirmed": ("You're registered: Tom & Jerry's <Night>", "REQUEST", True),
    "waitlisted": ("You're on the waitlist: Tom & Jerry's <Night>", None, False),
    "promoted": ("A seat opened up, you're in: Tom & Jerry's <Night>", "REQUEST", True),
    "cancelled": ("Registration cancelled: Tom & Jerry's <Night>", "CANCEL", False),
    "changed": ("New time or place: Tom & Jerry's <Night>", "REQUEST", True),
    "event_cancelled": ("Event cancelled: Tom & Jerry's <Night>", "CANCEL", False),
    "requested": ("Request received: Tom & Jerry's <Night>", None, False),
    "approved": ("You're in: Tom & Jerry's <Night>", "REQUEST", True),
    "declined": ("Your request wasn't accepted: Tom & Jerry's <Night>", None, False),
    "reminder": ("Reminder: Tom & Jerry's <Night>", "REQUEST", True),
}


def make_registration(*, online=False, confirmed=True):
    starts = datetime(2031, 5, 6, 18, 30, tzinfo=UTC)
    event = EventFactory(
        title="Tom & Jerry's <Night>",
        starts_at=starts,
        ends_at=starts.replace(hour=21),
        is_online=online,
        online_url=LINK if online else "",
        venue="" if online else "LX Factory",
        city="" if online else "Lisbon",
        cancellation_reason="The venue flooded.\nSorry!",
    )
    return Registration.objects.create(
        event=event,
        user=UserFactory(name="Ada"),
        status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED,
        confirmed_at=starts if confirmed else None,
    )


def html(message) -> str:
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return content


def test_every_registration_email_kind_has_a_row_and_its_templates():
    # An organizer's message is the organizer's words, built by emails.organizer_message.
    registration_kinds = set(EmailDelivery.Kind) - ACCOUNT_KINDS - {EmailDelivery.Kind.MESSAGE}
    assert set(KINDS) == registration_kinds == set(EXPECTED)
    for kind in KINDS.values():
        get_template(kind.text_template)
        get_template(kind.html_template)


@pytest.mark.parametrize("kind", EXPECTED)
def test_the_subject_says_what_happened_to_whom(kind):
    registration = make_registration()
    message = registration_message(registration, kind)
    assert message.subject == EXPECTED[kind][0]
    assert message.to == [registration.user.email]


@pytest.mark.parametrize("kind", EXPECTED)
@pytest.mark.parametrize("online", [False, True])
def test_the_plain_text_reads_well(kind, online):
    body = registration_message(make_registration(online=online), kind).body
    assert body.startswith("Hi Ada,\n\n")
    assert "Tom & Jerry's <Night>" in body  # not HTML-escaped
    assert "&amp;" not in body and "&#x27;" not in body and "<p>" not in body
    assert "\n\n\n" not in body  # never two blank lines in a row
    assert "When:  Tue 6 May 2031, 18:30 – 21:30 UTC\n" in body
    assert body.endswith("\n\n— EMS\n\n")
    for line in body.splitlines():
        assert len(line) <= 200
        assert line == line.rstrip()
    assert not re.search(r"{[{%#]", body)  # no template code left over


@pytest.mark.parametrize("kind", EXPECTED)
def test_the_html_is_escaped_and_links_to_the_event(kind, settings):
    settings.SITE_URL = "https://events.example.com"
    registration = make_registration()
    content = html(registration_message(registration, kind))
    assert "Tom &amp; Jerry&#x27;s &lt;Night&gt;" in content
    assert "<Night>" not in content
    assert f'href="https://events.example.com{registration.event.get_absolute_url()}"' in content


@pytest.mark.parametrize("kind", EXPECTED)
def test_the_online_link_goes_only_to_people_with_a_seat(kind):
    shown = EXPECTED[kind][2]
    message = registration_message(make_registration(online=True), kind)
    where = f"Where: Online: {LINK}\n" if shown else "Where: Online\n"
    assert where in message.body
    assert (f'<a href="{LINK}">{LINK}</a>' in html(message)) is shown
    assert (LINK in html(message)) is shown
    for _name, content, _mimetype in message.attachments:
        entry = Calendar.from_ical(content).walk("VEVENT")[0]
        assert entry["LOCATION"] == (LINK if shown else "Online")


@pytest.mark.parametrize("kind", EXPECTED)
def test_an_in_person_email_gives_the_place(kind):
    message = registration_message(make_registration(), kind)
    assert "Where: LX Factory, Lisbon\n" in message.body
    assert "<p>LX Factory, Lisbon</p>" in html(message)


@pytest.mark.parametrize("kind", EXPECTED)
def test_the_calendar_file_adds_or_removes_the_entry(kind):
    method = EXPECTED[kind][1]
    message = registration_message(make_registration(), kind)
    if method is None:
        assert message.attachments == []
        return
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("event.ics", f"text/calendar; method={method}")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == method
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    assert calendar.walk("VEVENT")[0]["STATUS"] == status


@pytest.mark.parametrize(("confirmed", "place"), [(True, "seat"), (False, "waitlist place")])
def test_an_event_cancellation_gives_the_reason_and_what_was_lost(confirmed, place):
    message = registration_message(make_registration(confirmed=confirmed), "event_cancelled")
    assert f"so your {place} is cancelled too." in message.body
    assert "\n\nThe organizer says:\nThe venue flooded.\nSorry!\n\nWhen:" in message.body
    assert f"so your {place} is cancelled too." in html(message)
    assert "<p>The venue flooded.<br>Sorry!</p>" in html(message)


def test_only_an_event_cancellation_quotes_the_organizer():
    registration = make_registration()
    for kind in set(EXPECTED) - {"event_cancelled"}:
        assert "The venue flooded." not in registration_message(registration, kind).body


@pytest.mark.parametrize("kind", ["approved", "declined", "waitlisted"])
def test_an_answer_to_a_request_carries_the_organizers_message(kind):
    registration = make_registration()
    registration.organizer_message = "See you at <8>.\nBring shoes."
    message = registration_message(registration, kind)
    assert "A message from the organizer:\nSee you at <8>.\nBring shoes.\n" in message.body
    assert "<blockquote>See you at &lt;8&gt;.<br>Bring shoes.</blockquote>" in html(message)
    for other in ("confirmed", "promoted", "requested", "changed"):
        assert "Bring shoes" not in registration_message(registration, other).body


@pytest.mark.parametrize(
    ("status", "offer"),
    [
        ("confirmed", "Can't make it? Give your seat to someone else:"),
        ("waitlisted", "Changed your mind? Leave the waitlist:"),
        ("pending", "Changed your mind? Withdraw your request:"),
        ("cancelled", None),
        ("declined", None),
    ],
)
def test_each_email_offers_a_way_out_while_there_is_something_to_give_up(status, offer):
    registration = make_registration()
    registration.status = status
    message = registration_message(registration, "confirmed")
    if offer is None:
        assert "cant-make-it" not in message.body and "cant-make-it" not in html(message)
        return
    link = message.body.split(f"{offer}\n")[1].split("\n")[0]
    assert link.startswith("http://localhost:8000/events/cant-make-it/")
    assert f'<a href="{link}">' in html(message)


def test_no_way_out_once_the_event_has_started():
    registration = make_registration()
    registration.event.starts_at = datetime(2020, 1, 1, tzinfo=UTC)
    assert "cant-make-it" not in registration_message(registration, "reminder").body


@pytest.mark.parametrize("kind", EXPECTED)
def test_every_link_in_the_email_and_its_calendar_file_is_on_the_site_url(kind, settings):
    settings.SITE_URL = "https://events.example.com"
    message = registration_message(make_registration(), kind)
    parts = [message.body, html(message)]
    parts += [attachment.content for attachment in message.attachments]
    links = re.findall(r"https?://[^\s\"'<>]+", "\n".join(str(part) for part in parts))
    assert links
    assert all(link.startswith("https://events.example.com/") for link in links), links


def test_account_emails_link_to_the_same_site_url(settings):
    from accounts import emails as account_emails

    settings.SITE_URL = "https://events.example.com"
    user = UserFactory(email_verified_at=None)
    kinds = [EmailDelivery.Kind.PASSWORD_RESET, EmailDelivery.Kind.CONFIRM_EMAIL]
    kinds += [EmailDelivery.Kind.ALREADY_SIGNED_UP]
    for kind in kinds:
        message = account_emails.account_message(EmailDelivery(kind=kind, user=user))
        links = re.findall(r"https?://[^\s\"'<>]+", message.body + html(message))
        assert links
        assert all(link.startswith("https://events.example.com/") for link in links), links
