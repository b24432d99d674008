"""System checks for what the events app needs from the configuration."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def reminders_can_be_planned(app_configs, **kwargs):
    """Reminders and email retries are tasks that run later, which the immediate backend
    can't do: fine while developing, a silent loss in production."""
    from .outbox import can_defer

    if settings.DEBUG or can_defer():
        return []
    return [
        checks.Warning(
            "The task backend can't run tasks later, so no reminders are sent and failed "
            "emails wait for `manage.py send_due_emails`.",
            hint="Set TASKS_BACKEND=database and run `manage.py db_worker` beside the web workers.",
            id="events.W001",
        )
    ]
