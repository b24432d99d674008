"""Background work, run through Django's tasks framework after the transaction commits."""

from django.tasks import task

from . import emails
from .models import Registration


@task
def send_registration_email(registration_id: int, kind: str) -> None:
    registration = Registration.objects.select_related("event", "user").get(pk=registration_id)
    emails.send_registration_email(registration, kind)


@task
def send_registration_emails(registration_ids: list[int], kind: str) -> None:
    """One email per registration; a failure is logged and the rest still go out."""
    registrations = Registration.objects.filter(pk__in=registration_ids).select_related(
        "event", "user"
    )
    for registration in registrations.iterator(chunk_size=100):
        try:
            emails.send_registration_email(registration, kind)
        except Exception:
            continue  # already logged by send_registration_email
