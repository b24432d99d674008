"""Background work, run through Django's tasks framework after the transaction commits."""

from django.tasks import task

from . import emails
from .models import Registration


@task
def send_registration_email(registration_id: int, kind: str) -> None:
    registration = Registration.objects.select_related("event", "user").get(pk=registration_id)
    emails.send_registration_email(registration, kind)
