"""A person's calendar feed: the secret in its address."""

import secrets

from django.contrib.auth import get_user_model


def reset_calendar_feed(*, user) -> str:
    """Give the feed a new secret address (turning it on); the old one stops working."""
    token = secrets.token_urlsafe(32)
    get_user_model().objects.filter(pk=user.pk).update(calendar_token=token)
    user.calendar_token = token
    return token


def stop_calendar_feed(*, user) -> None:
    get_user_model().objects.filter(pk=user.pk).update(calendar_token=None)
    user.calendar_token = None
