"""Account emails, built when they are sent (see events.outbox)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from events.emails import subject


def password_reset_message(user) -> EmailMultiAlternatives:
    """The reset link is made at sending time, so no usable token waits in the queue."""
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme,
        "domain": site.netloc,
        "site_name": settings.SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=subject(render_to_string("emails/password_reset_subject.txt", context)),
        body=render_to_string("emails/password_reset.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("emails/password_reset.html", context), "text/html")
    return message
