from django.core.management.base import BaseCommand

from events import outbox


class Command(BaseCommand):
    help = (
        "Send every email that is due: retries under the immediate task backend, which "
        "can't schedule them, and emails a crashed worker left half-done. Run it from "
        "cron every few minutes; with TASKS_BACKEND=database it is a safety net."
    )

    def handle(self, *args, **options):
        counts = outbox.send_due()
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(summary or "Nothing due.")
