"""System checks for what the events app needs from the configuration."""

from django.conf import settings
from django.core import checks

from site_url import host

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1", "0.0.0.0"}


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


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Emails and calendar files link with EMS_SITE_URL: the default, localhost, would
    send every attendee to their own machine."""
    address = host()
    if address not in LOCAL_HOSTS and not address.endswith(".localhost"):
        return []
    return [
        checks.Error(
            f"EMS_SITE_URL is {settings.SITE_URL}: links in emails and calendar files "
            "would point to the reader's own machine.",
            hint="Set EMS_SITE_URL to the address people use, e.g. https://events.example.com.",
            id="events.E001",
        )
    ]


@checks.register(checks.Tags.compatibility, deploy=True)
def contact_is_set(app_configs, **kwargs):
    """The accessibility statement tells people where to report a problem."""
    if settings.CONTACT_EMAIL:
        return []
    return [
        checks.Warning(
            "EMS_CONTACT_EMAIL is not set, so /accessibility/ can't say where to report a problem.",
            hint="Set EMS_CONTACT_EMAIL to an address someone reads.",
            id="events.W002",
        )
    ]
