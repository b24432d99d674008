"""Reminders before an event: planned with run_after, moved with the event, sent once.

These run the database task queue, as production does, with a test clock: the worker
picks a task only once the clock has reached its run_after.
"""

import io
import threading
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import checks, mail
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from events import outbox, reminders, services
from events.models import EmailDelivery, Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
NOW = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def planned():
    """(run_after, hours) of each reminder task waiting in the queue, soonest first."""
    tasks = DBTaskResult.objects.filter(task_path="events.tasks.send_reminders", status="READY")
    return sorted((t.run_after, t.args_kwargs["args"][1]) for t in tasks)


def draft(**fields):
    fields.setdefault("starts_at", NOW + timedelta(days=5))
    fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=2))
    return EventFactory(status=Event.Status.DRAFT, time_zone=OSLO, **fields)


def published(**fields):
    return services.publish_event(event=draft(**fields))


def reminders_sent():
    return [m for m in mail.outbox if m.subject.startswith("Reminder:")]


def test_publishing_plans_reminders_24_and_2_hours_before(clock):
    event = published()
    assert planned() == [
        (event.starts_at - timedelta(hours=24), 24),
        (event.starts_at - timedelta(hours=2), 2),
    ]


def test_a_reminder_whose_time_has_passed_is_not_planned(clock):
    event = published(starts_at=NOW + timedelta(hours=5))
    assert planned() == [(event.starts_at - timedelta(hours=2), 2)]


def test_reminders_go_to_confirmed_attendees_at_their_time_and_not_before(clock):
    event = published(capacity=1, title="Fjord walk")
    ada, bob = UserFactory(email="ada@example.com"), UserFactory(email="bob@example.com")
    services.register(user=ada, event=event)
    services.register(user=bob, event=event)  # waitlisted: no seat, no reminder
    run_worker()
    mail.outbox.clear()

    clock.move_to(event.starts_at - timedelta(hours=24, minutes=1))
    run_worker()
    assert reminders_sent() == []

    clock.move_to(event.starts_at - timedelta(hours=24))
    run_worker()
    (reminder,) = reminders_sent()
    assert reminder.to == ["ada@example.com"]
    assert reminder.subject == "Reminder: Fjord walk"

    clock.move_to(event.starts_at - timedelta(hours=2))
    run_worker()
    assert [m.to for m in reminders_sent()] == [["ada@example.com"]] * 2


def test_a_reminder_carries_the_local_time_the_place_the_calendar_and_the_way_out(clock):
    event = published(title="Fjord walk", is_online=True, online_url="https://meet.example/f")
    services.register(user=UserFactory(), event=event)
    clock.move_to(event.starts_at - timedelta(hours=2))
    run_worker()
    (reminder,) = reminders_sent()
    html = reminder.alternatives[0].content
    assert "Thu 25 Mar, 13:00 – 15:00 CET (Oslo)" in reminder.body
    assert "https://meet.example/f" in reminder.body and "https://meet.example/f" in html
    assert "Can't make it? Give your seat to someone else:" in reminder.body
    assert "/events/cant-make-it/" in reminder.body and "/events/cant-make-it/" in html
    (ics,) = reminder.attachments
    assert ics.filename == "event.ics" and "METHOD:REQUEST" in ics.content


def test_the_24_hour_reminder_is_24_real_hours_across_a_clock_change(clock):
    # Norway moves its clocks forward on 28 March 2027 at 02:00.
    start = datetime(2027, 3, 28, 12, 0, tzinfo=OSLO)
    event = published(starts_at=start)
    services.register(user=UserFactory(), event=event)
    first = event.starts_at - timedelta(hours=24)
    assert planned()[0] == (first, 24)
    assert first.astimezone(OSLO).hour == 11  # a day before on the wall clock is 23 h

    clock.move_to(first)
    run_worker()
    (reminder,) = reminders_sent()
    assert "Sun 28 Mar, 12:00 – 14:00 CEST (Oslo)" in reminder.body


def test_moving_the_event_moves_its_reminders(clock):
    event = published()
    services.register(user=UserFactory(), event=event)
    old_start = event.starts_at
    new_start = old_start + timedelta(days=2)
    services.update_event(
        event=event, changes={"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)}
    )
    assert (new_start - timedelta(hours=24), 24) in planned()

    clock.move_to(old_start - timedelta(hours=2))
    run_worker()
    assert reminders_sent() == []  # planned for the old time: nothing goes

    clock.move_to(new_start - timedelta(hours=24))
    run_worker()
    assert len(reminders_sent()) == 1


def test_no_reminder_for_a_cancelled_event_or_someone_who_left(clock):
    event = published()
    stays, leaves = UserFactory(), UserFactory()
    services.register(user=stays, event=event)
    services.register(user=leaves, event=event)
    services.cancel_registration(user=leaves, event=event)
    clock.move_to(event.starts_at - timedelta(hours=24))
    run_worker()
    assert [m.to for m in reminders_sent()] == [[stays.email]]

    services.cancel_event(event=event, reason="The venue flooded.")
    clock.move_to(event.starts_at - timedelta(hours=2))
    run_worker()
    assert len(reminders_sent()) == 1


def test_a_reminder_queued_before_the_person_left_is_not_sent(clock):
    event = published()
    person = UserFactory()
    services.register(user=person, event=event)
    run_worker()
    ids = reminders.queue_reminders(event_id=event.pk, hours=24, starts_at=event.starts_at)
    services.cancel_registration(user=person, event=event)
    clock.move_to(event.starts_at - timedelta(hours=1))
    call_command("send_due_emails", verbosity=0)
    assert reminders_sent() == []
    assert EmailDelivery.objects.get(pk__in=ids).status == EmailDelivery.Status.OUTDATED


def test_turning_a_reminder_off_or_changing_it_replans(clock):
    event = published()
    services.register(user=UserFactory(), event=event)
    services.update_event(
        event=event, changes={"first_reminder_hours": None, "second_reminder_hours": 6}
    )
    assert (event.starts_at - timedelta(hours=6), 6) in planned()
    clock.move_to(event.starts_at - timedelta(hours=1))
    run_worker()
    # The 24 h and 2 h tasks ran and did nothing; the 6 h one sent the only reminder.
    assert len(reminders_sent()) == 1


def test_a_retried_or_repeated_task_sends_each_reminder_once(clock):
    event = published()
    for _ in range(3):
        services.register(user=UserFactory(), event=event)
    run_worker()
    mail.outbox.clear()
    clock.move_to(event.starts_at - timedelta(hours=2))
    for _ in range(2):  # a retry of the same task after it had queued its emails
        reminders.queue_reminders(event_id=event.pk, hours=2, starts_at=event.starts_at)
    run_worker()
    assert len(reminders_sent()) == 3
    assert EmailDelivery.objects.filter(kind=EmailDelivery.Kind.REMINDER).count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL's row locks")
def test_two_workers_racing_for_the_same_reminder_send_it_once(clock):
    event = published()
    people = [UserFactory() for _ in range(20)]
    for person in people:
        services.register(user=person, event=event)
    run_worker()
    mail.outbox.clear()
    clock.move_to(event.starts_at - timedelta(hours=2))
    start = threading.Barrier(2)

    def worker():
        # What send_reminders does, then the sending task it queues, in one go.
        start.wait()
        try:
            ids = reminders.queue_reminders(event_id=event.pk, hours=2, starts_at=event.starts_at)
            outbox.deliver(ids)
        finally:
            connection.close()  # close_old_connections() keeps it for CONN_MAX_AGE

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_worker()  # the sending tasks both queued find nothing left to send
    assert sorted(m.to[0] for m in reminders_sent()) == sorted(p.email for p in people)


def test_without_a_deferring_backend_nothing_is_planned_and_check_says_so(settings, clock):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    event = published()
    assert reminders.plan(event) == []
    assert planned() == []
    warnings = [m.id for m in checks.run_checks() if m.id == "events.W001"]
    assert warnings == ["events.W001"]


HX = {"HX-Request": "true"}


def test_the_organizer_sets_reminders_in_place_and_they_are_replanned(client, clock):
    event = published()
    client.force_login(event.organizer)
    assert "Reminders: 1 day before and 2 hours before" in client.get(event.get_absolute_url()).text
    url = reverse("events:edit-section", kwargs={"slug": event.slug, "section": "reminders"})
    form = client.get(url, headers=HX).text
    assert '<option value="48">2 days before</option>' in form
    assert '<option value="">Off</option>' in form
    response = client.post(
        url, {"first_reminder_hours": "48", "second_reminder_hours": ""}, headers=HX
    )
    assert "Reminders: 2 days before" in response.text
    event.refresh_from_db()
    assert (event.first_reminder_hours, event.second_reminder_hours) == (48, None)
    assert (event.starts_at - timedelta(hours=48), 48) in planned()


def test_without_javascript_reminders_are_on_the_edit_page(client, clock):
    event = published()
    client.force_login(event.organizer)
    url = reverse("events:edit-section", kwargs={"slug": event.slug, "section": "reminders"})
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("events:edit", args=[event.slug])
    assert '<select name="first_reminder_hours"' in response.text
    assert '<option value="24" selected>1 day before</option>' in response.text


def test_a_reminder_time_that_isnt_offered_is_refused(client, clock):
    event = published()
    client.force_login(event.organizer)
    url = reverse("events:edit-section", kwargs={"slug": event.slug, "section": "reminders"})
    response = client.post(url, {"first_reminder_hours": "5000"}, headers=HX)
    assert "Select a valid choice" in response.text
    event.refresh_from_db()
    assert event.first_reminder_hours == 24


def test_the_database_refuses_a_reminder_out_of_range():
    event = EventFactory()
    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=event.pk).update(second_reminder_hours=0)


def test_plan_reminders_plans_the_events_from_before_reminders(clock):
    ahead = EventFactory(starts_at=NOW + timedelta(days=3))  # made without the services
    EventFactory(starts_at=NOW - timedelta(hours=1))  # started
    EventFactory(status=Event.Status.DRAFT)
    call_command("plan_reminders", verbosity=0)
    assert planned() == [
        (ahead.starts_at - timedelta(hours=24), 24),
        (ahead.starts_at - timedelta(hours=2), 2),
    ]


def test_a_reminder_whose_task_was_lost_is_caught_up_once(clock):
    event = published()
    services.register(user=UserFactory(email="ada@example.com"), event=event)
    run_worker()
    mail.outbox.clear()
    DBTaskResult.objects.filter(status="READY").delete()  # a worker died with them
    clock.move_to(event.starts_at - timedelta(hours=24) + timedelta(minutes=5))
    call_command("send_due_emails", stdout=io.StringIO())
    assert reminders_sent() == []  # its worker may still be on it
    clock.move_to(event.starts_at - timedelta(hours=24) + timedelta(minutes=15))
    for _ in range(2):
        call_command("send_due_emails", stdout=io.StringIO())
    assert [m.to for m in reminders_sent()] == [["ada@example.com"]]


def test_a_reminder_queued_as_the_event_moved_gives_way_to_the_moved_ones(clock):
    event = published()
    services.register(user=UserFactory(), event=event)
    run_worker()
    mail.outbox.clear()
    clock.move_to(event.starts_at - timedelta(hours=2))
    ids = reminders.queue_reminders(event_id=event.pk, hours=2, starts_at=event.starts_at)
    moved = event.starts_at + timedelta(hours=3)
    services.update_event(
        event=event, changes={"starts_at": moved, "ends_at": moved + timedelta(hours=2)}
    )
    outbox.deliver(ids)
    assert reminders_sent() == []
    assert EmailDelivery.objects.get(pk__in=ids).status == EmailDelivery.Status.OUTDATED
