"""Account emails, built when they are sent (see events.outbox): links are made then,
so no usable token waits in the queue, and one that is out of date is not sent."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from events.emails import subject
from events.models import EmailDelivery
from site_url import absolute

from . import confirmation

Kind = EmailDelivery.Kind


def account_message(delivery: EmailDelivery) -> EmailMultiAlternatives | None:
    user = delivery.user
    if delivery.kind == Kind.PASSWORD_RESET:
        return password_reset_message(user)
    if delivery.kind == Kind.CONFIRM_EMAIL:
        if user.is_verified:
            return None  # confirmed since, by an earlier link
        return _message(
            user.email,
            _("Confirm your email address for %(site)s") % {"site": settings.SITE_NAME},
            context={
                "user": user,
                "lines": [
                    _("Open this link to confirm your address and start registering for events:")
                ],
                "action": (_("Confirm my address"), _confirm_url(user, user.email)),
                "footnote": _("The link works for three days. Didn't sign up? Ignore this email."),
            },
        )
    if delivery.kind == Kind.CONFIRM_NEW_EMAIL:
        if not user.pending_email:
            return None  # the change was cancelled or has happened
        return _message(
            user.pending_email,
            _("Confirm your new email address for %(site)s") % {"site": settings.SITE_NAME},
            context={
                "user": user,
                "lines": [
                    _("Open this link to make %(email)s the address you sign in with.")
                    % {"email": user.pending_email}
                ],
                "action": (_("Use this address"), _confirm_url(user, user.pending_email)),
                "footnote": _("Until then, your current address stays as it is."),
            },
        )
    if delivery.kind == Kind.EMAIL_CHANGING:
        return _message(
            delivery.address,
            _("Your %(site)s email address is being changed") % {"site": settings.SITE_NAME},
            context={
                "user": user,
                "lines": [
                    _(
                        "Someone signed in to your account asked to sign in with %(email)s "
                        "instead of this address. It changes once a link sent there is opened."
                    )
                    % {"email": user.pending_email or user.email},
                    _("If that wasn't you, reset your password now; that also stops the change."),
                ],
                "action": (_("Reset my password"), absolute(reverse("accounts:password_reset"))),
            },
        )
    return _message(
        user.email,
        _("You already have a %(site)s account") % {"site": settings.SITE_NAME},
        context={
            "user": user,
            "lines": [
                _(
                    "Someone, maybe you, tried to sign up with this address. It already has an "
                    "account, so nothing changed."
                ),
                _("Log in, or reset your password if you've forgotten it."),
            ],
            "action": (_("Log in"), absolute(reverse("accounts:login"))),
        },
    )


def password_reset_message(user) -> EmailMultiAlternatives:
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


def _message(to: str, title: str, context: dict) -> EmailMultiAlternatives:
    context |= {"site_name": settings.SITE_NAME}
    message = EmailMultiAlternatives(
        subject=subject(title), body=render_to_string("emails/account.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string("emails/account.html", context), "text/html")
    return message


def _confirm_url(user, email: str) -> str:
    link = confirmation.token(user, email)
    return absolute(reverse("accounts:confirm_email", kwargs={"token": link}))
