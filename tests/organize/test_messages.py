"""Messages to attendees: who gets them, previews, scheduling, limits and failures."""

import dataclasses
import io
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events import services
from events.message_models import Message
from events.models import EmailDelivery, Registration
from events.services import messages as message_service
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def event():
    """a and b with a seat (a checked in), c and w on the waitlist, d cancelled."""
    event = EventFactory(title="Jazz night", capacity=2)
    people = [UserFactory(email=f"{name}@example.com", name=name) for name in "abcd"]
    for person in people:
        services.register(user=person, event=event)
    services.check_in(registration=event.registrations.get(user=people[0]), checked_in=True)
    services.cancel_registration(user=people[3], event=event)  # its seat went to c
    services.register(user=UserFactory(email="w@example.com", name="w"), event=event)
    mail.outbox.clear()
    return event


@pytest.fixture
def organizer_client(client, event):
    client.force_login(event.organizer)
    return client


def url(event) -> str:
    return reverse("organize:messages", args=[event.slug])


def form(**fields) -> dict:
    return {
        "audience": "confirmed",
        "subject": "Doors open at 19:00",
        "body": "Bring your ticket.\nSee you there!",
        "when": "now",
        "send": "1",
    } | fields


def sent_to() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "no-js"])
def test_the_page_offers_each_audience_with_its_count(organizer_client, event, headers):
    response = organizer_client.get(url(event), headers=headers)
    page = response.text
    assert response.status_code == 200
    assert "Everyone with a seat (2)" in page
    assert "Everyone on the waitlist (2)" in page
    assert "Everyone who checked in (1)" in page
    assert "Everyone with a seat who hasn&#x27;t checked in (1)" in page
    assert "Everyone waiting for approval (0)" in page
    attendees = organizer_client.get(reverse("organize:attendees", args=[event.slug])).text
    assert f'href="{url(event)}"' in attendees


def test_only_the_organizer_may_write(client, event):
    client.force_login(UserFactory())
    assert client.get(url(event)).status_code == 403
    assert client.post(url(event), form()).status_code == 403
    assert not Message.objects.exists()


def test_preview_shows_the_email_and_sends_nothing(organizer_client, event):
    response = organizer_client.post(url(event), form(send="", preview="1"), headers=HX)
    assert response.status_code == 200
    assert "It goes to 2 people now." in response.text
    assert "Bring your ticket.<br>See you there!" in response.text
    assert not Message.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("audience", "emails"),
    [
        ("confirmed", ["a@example.com", "b@example.com"]),
        ("waitlisted", ["c@example.com", "w@example.com"]),
        ("checked_in", ["a@example.com"]),
        ("not_checked_in", ["b@example.com"]),
    ],
)
def test_each_audience_reaches_its_people(
    organizer_client, event, audience, emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url(event), form(audience=audience))
    assert response.status_code == 302
    assert sent_to() == emails


def test_the_email_carries_the_words_the_event_and_a_way_out(
    organizer_client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(url(event), form(audience="checked_in"))
    (email,) = mail.outbox
    assert email.subject == "Doors open at 19:00"
    assert email.reply_to == [event.organizer.email]
    assert f"{event.organizer.display_name} wrote to you about Jazz night:" in email.body
    assert "Bring your ticket.\nSee you there!" in email.body
    assert "Can't make it? Give your seat to someone else:" in email.body
    assert "Bring your ticket.<br>See you there!" in email.alternatives[0].content


def test_the_history_counts_what_was_delivered_and_what_failed(
    organizer_client, event, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse_b(self, messages):
        if messages[0].to == ["b@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"b@example.com": (550, b"no such user")})
        mail.outbox.extend(messages)
        return 1

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url(event), form(), headers=HX, follow=True)
    history = organizer_client.get(url(event)).text
    assert "to 2 people · 1 delivered · " in history and "1 failed" in history
    assert response.status_code == 200
    failed = EmailDelivery.objects.get(status=EmailDelivery.Status.FAILED)
    assert failed.kind == EmailDelivery.Kind.MESSAGE and failed.user.email == "b@example.com"
    attendees = organizer_client.get(reverse("organize:attendees", args=[event.slug])).text
    assert "Message from the organizer" in attendees  # listed to send again


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"audience": "everyone"}, "Select a valid choice."),
        ({"subject": ""}, "This field is required."),
        ({"subject": "x" * 151}, "at most 150 characters"),
        ({"body": "x" * 5001}, "at most 5000 characters"),
        ({"when": "later", "send_at": ""}, "Choose when to send it."),
        ({"when": "later", "send_at": "not a date"}, "Enter a valid date/time."),
        ({"when": "whenever"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_named_on_its_field_and_nothing_is_sent(
    organizer_client, event, fields, error
):
    response = organizer_client.post(url(event), form(**fields), headers=HX)
    assert response.status_code == 422
    assert error in response.text
    assert not Message.objects.exists()


def test_scheduling_needs_a_worker(organizer_client, event):
    later = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = organizer_client.post(url(event), form(when="later", send_at=later), headers=HX)
    assert response.status_code == 422
    assert "Scheduling needs the background worker" in response.text
    assert not Message.objects.exists()


class TestLimits:
    def send(self, event, author=None):
        spec = message_service.MessageSpec(audience="confirmed", subject="Hi", body="Hello")
        return message_service.write_message(
            event=event, author=author or event.organizer, spec=spec
        )

    def test_an_event_takes_five_messages_a_day(self, organizer_client, event):
        for _ in range(message_service.PER_EVENT):
            self.send(event)
        # htmx swaps a 422 into the form; a plain request gets the 429 itself.
        for headers, status in ((HX, 422), ({}, 429)):
            response = organizer_client.post(url(event), form(), headers=headers)
            assert response.status_code == status
            assert "This event has had 5 messages in the last 24 hours, the most allowed." in (
                response.text
            )
            assert "You can send the next one after" in response.text
        assert Message.objects.count() == message_service.PER_EVENT

    def test_a_cancelled_message_does_not_count_and_a_day_later_it_frees_up(self, event):
        scheduled = [self.send(event) for _ in range(message_service.PER_EVENT)]
        message_service.cancel_message(message=scheduled[0])
        self.send(event)  # in the cancelled one's place
        with pytest.raises(message_service.TooManyMessages):
            self.send(event)
        day_ago = timezone.now() - timedelta(hours=25)
        Message.objects.update(created_at=day_ago, send_at=day_ago)
        self.send(event)

    def test_an_organizer_takes_twenty_a_day_over_all_their_events(self, event):
        organizer = event.organizer
        for _ in range(message_service.PER_ORGANIZER):
            self.send(EventFactory(organizer=organizer))
        with pytest.raises(message_service.TooManyMessages) as refused:
            self.send(EventFactory(organizer=organizer))
        assert "You've written 20 messages in the last 24 hours" in refused.value.message

    def test_staff_are_not_limited_and_sign_what_they_write(
        self, event, django_capture_on_commit_callbacks
    ):
        staff = UserFactory(is_staff=True, name="Support", email="support@example.com")
        for _ in range(message_service.PER_EVENT):
            self.send(event, author=staff)
        with django_capture_on_commit_callbacks(execute=True):
            self.send(event, author=staff)
        email = mail.outbox[-1]
        assert email.reply_to == ["support@example.com"]
        assert "Support wrote to you about Jazz night:" in email.body


@pytest.mark.django_db(transaction=True)
class TestScheduled:
    NOW = datetime(2031, 1, 10, 12, 0, tzinfo=UTC)

    @pytest.fixture(autouse=True)
    def database_queue(self, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    @pytest.fixture
    def clock(self):
        with time_machine.travel(self.NOW, tick=False) as traveller:
            yield traveller

    def run_worker(self):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    def test_a_scheduled_message_goes_at_its_time_to_whoever_is_there_then(self, client, clock):
        event = EventFactory(
            title="Jazz night", starts_at=self.NOW + timedelta(days=5), time_zone="Europe/Oslo"
        )
        services.register(user=UserFactory(email="early@example.com"), event=event)
        client.force_login(event.organizer)
        response = client.post(
            url(event), form(when="later", send_at="2031-01-11T09:30"), follow=True
        )
        assert "Scheduled for Sat 11 Jan, 09:30 CET (Oslo)." in response.text
        message = Message.objects.get()
        assert message.send_at == datetime(2031, 1, 11, 8, 30, tzinfo=UTC)
        self.run_worker()
        mail.outbox.clear()
        services.register(user=UserFactory(email="late@example.com"), event=event)
        self.run_worker()
        mail.outbox.clear()

        clock.move_to(message.send_at - timedelta(minutes=1))
        self.run_worker()
        assert mail.outbox == []
        clock.move_to(message.send_at)
        self.run_worker()
        assert sent_to() == ["early@example.com", "late@example.com"]
        message.refresh_from_db()
        assert (message.status, message.recipients) == (Message.Status.SENT, 2)
        assert "to 2 people · 2 delivered" in client.get(url(event)).text

    def test_a_cancelled_scheduled_message_is_never_sent(self, client, clock):
        event = EventFactory(starts_at=self.NOW + timedelta(days=5))
        services.register(user=UserFactory(), event=event)
        client.force_login(event.organizer)
        client.post(url(event), form(when="later", send_at="2031-01-11T09:30"))
        message = Message.objects.get()
        cancel = reverse("organize:cancel-message", args=[event.slug, message.pk])
        response = client.post(cancel, headers=HX)
        assert "Cancelled" in response.text and "Don&#x27;t send" not in response.text
        self.run_worker()
        mail.outbox.clear()
        clock.move_to(message.send_at + timedelta(hours=1))
        self.run_worker()
        assert mail.outbox == []
        again = client.post(cancel, follow=True)
        assert "This message has gone out already." in again.text

    def test_scheduled_messages_cannot_be_stacked_to_land_together(self, clock):
        event = EventFactory(starts_at=self.NOW + timedelta(days=30))
        spec = message_service.MessageSpec(
            audience="confirmed", subject="Hi", body="Hello", send_at=self.NOW + timedelta(days=9)
        )
        for _ in range(message_service.PER_EVENT):
            message_service.write_message(event=event, author=event.organizer, spec=spec)
        # Written days ago, but going out together:
        Message.objects.update(created_at=self.NOW - timedelta(days=3))
        with pytest.raises(message_service.TooManyMessages):
            message_service.write_message(event=event, author=event.organizer, spec=spec)
        apart = dataclasses.replace(spec, send_at=self.NOW + timedelta(days=11))
        message_service.write_message(event=event, author=event.organizer, spec=apart)

    def test_a_message_whose_task_was_lost_goes_out_with_send_due_emails(self, clock):
        event = EventFactory(starts_at=self.NOW + timedelta(days=5))
        services.register(user=UserFactory(email="ada@example.com"), event=event)
        self.run_worker()
        mail.outbox.clear()
        spec = message_service.MessageSpec(
            audience="confirmed", subject="Hi", body="Hello", send_at=self.NOW + timedelta(hours=1)
        )
        message = message_service.write_message(event=event, author=event.organizer, spec=spec)
        DBTaskResult.objects.filter(status="READY").delete()  # a worker died with it
        clock.move_to(message.send_at + timedelta(minutes=5))
        call_command("send_due_emails", stdout=io.StringIO())
        assert mail.outbox == []  # not overdue yet: its worker may be on it
        clock.move_to(message.send_at + timedelta(minutes=11))
        call_command("send_due_emails", stdout=io.StringIO())
        call_command("send_due_emails", stdout=io.StringIO())
        assert sent_to() == ["ada@example.com"]

    def test_a_time_in_the_past_or_a_year_away_is_refused(self, client, clock):
        event = EventFactory(starts_at=self.NOW + timedelta(days=5))
        client.force_login(event.organizer)
        for when in ("2031-01-10T11:00", "2032-02-01T10:00"):
            response = client.post(url(event), form(when="later", send_at=when), headers=HX)
            assert response.status_code == 422
            assert "Choose a time within the next year." in response.text
        assert not Message.objects.exists()

    def test_a_retried_send_task_sends_nothing_twice(self, clock):
        event = EventFactory(starts_at=self.NOW + timedelta(days=5))
        services.register(user=UserFactory(), event=event)
        self.run_worker()
        mail.outbox.clear()
        spec = message_service.MessageSpec(audience="confirmed", subject="Hi", body="Hello")
        message = message_service.write_message(event=event, author=event.organizer, spec=spec)
        assert message_service.send_now(message.pk) == 1
        assert message_service.send_now(message.pk) == 0
        self.run_worker()
        assert len(mail.outbox) == 1
        assert Registration.objects.count() == 1


def test_the_page_costs_the_same_queries_with_many_messages(
    organizer_client, event, django_assert_max_num_queries
):
    for n in range(3):
        Message.objects.create(
            event=event, author=event.organizer, audience="confirmed", subject=f"S{n}", body="B"
        )
    with django_assert_max_num_queries(9):
        organizer_client.get(url(event))
