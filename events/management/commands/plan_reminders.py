from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from events import reminders
from events.models import Event


class Command(BaseCommand):
    help = (
        "Plan the reminders of every published event that hasn't started: once after "
        "upgrading to a version with reminders, or after moving from the immediate task "
        "backend to the database one. Running it twice plans twice, but each person "
        "still gets each reminder once."
    )

    def handle(self, *args, **options):
        planned = 0
        for event in Event.objects.published().filter(starts_at__gt=timezone.now()):
            with transaction.atomic():
                planned += len(reminders.plan(event))
        self.stdout.write(f"{planned} reminders planned.")
