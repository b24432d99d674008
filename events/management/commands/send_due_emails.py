from django.core.management.base import BaseCommand

from events import outbox, reminders
from events.services import messages


class Command(BaseCommand):
    help = (
        "Send every email that is due: retries under the immediate task backend, which "
        "can't schedule them, and emails, reminders and scheduled messages a crashed "
        "worker left half-done. Run it from cron every few minutes; with "
        "TASKS_BACKEND=database it is a safety net."
    )

    def handle(self, *args, **options):
        reminders.catch_up()
        messages.send_overdue()
        counts = outbox.send_due()
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(summary or "Nothing due.")
