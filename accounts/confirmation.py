"""Email addresses are confirmed by a link before they count.

A new account's address is confirmed by the link sent at sign-up; until then the person
can browse and sign in, but not register for or create events. A new address from the
profile becomes the login only when its link is opened, and the old address is told.

A link is a signed token naming the account and the address, valid for three days and
used once: it works only while that address is still the one waiting to be confirmed.
It acts only after a confirming POST, so a mail scanner that opens links changes nothing.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import outbox
from events.models import EmailDelivery

SALT = "accounts.confirmation"
MAX_AGE = timedelta(days=3)
Kind = EmailDelivery.Kind


class LinkInvalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def token(user, email: str) -> str:
    return signing.dumps({"user": user.pk, "email": email}, salt=SALT, compress=True)


def read(link: str) -> dict:
    """The account and address a link names, if it is genuine and fresh; it changes nothing."""
    try:
        return signing.loads(link, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise LinkInvalid(_("This link has expired. Sign in and ask for a new one.")) from None
    except signing.BadSignature:
        raise LinkInvalid(_("This link isn't valid. Copy the whole link from the email.")) from None


def confirm(link: str):
    """Confirm the address the link names, and return its account; LinkInvalid says why not."""
    data = read(link)
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["user"], is_active=True).first()
        email = data["email"]
        if user is None:
            raise LinkInvalid(_("This link isn't valid any more."))
        if email == user.email and not user.is_verified:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        elif email == user.pending_email and email:
            if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                raise LinkInvalid(_("Another account uses this address now, so it can't be yours."))
            user.email, user.pending_email = email, ""
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email", "pending_email", "email_verified_at"])
        else:
            raise LinkInvalid(_("This link has been used already, or a newer one replaced it."))
    return user


def send_link(user) -> None:
    """The link that confirms the account's address (sign-up, or "send it again")."""
    with transaction.atomic():
        outbox.queue(Kind.CONFIRM_EMAIL, [(user.pk, None)])


def signed_up_again(user) -> None:
    """Someone signed up with an address that has an account. They get the same page as a
    new account; the address's owner gets a link to confirm it, or a note that the account
    exists, so nothing tells the visitor which it was."""
    kind = Kind.CONFIRM_EMAIL if not user.is_verified else Kind.ALREADY_SIGNED_UP
    with transaction.atomic():
        outbox.queue(kind, [(user.pk, None)])


def change_email(user, new_email: str) -> None:
    """Ask for `new_email` to become the login: it gets a link, the current address a note."""
    User = get_user_model()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(pending_email=new_email)
        user.pending_email = new_email
        outbox.queue(Kind.CONFIRM_NEW_EMAIL, [(user.pk, None)])
        outbox.queue(Kind.EMAIL_CHANGING, [(user.pk, None)], address=user.email)


def cancel_email_change(user) -> None:
    get_user_model().objects.filter(pk=user.pk).update(pending_email="")
    user.pending_email = ""
