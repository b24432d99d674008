"""A person's calendar feed: the secret in its address."""

import secrets

from django.contrib.auth import get_user_model


def reset_calendar_feed(*, user) -> str:
    """Give the feed a new secret address (turning it on); the old one stops working."""
    token = secrets.token_urlsafe(32)
    get_user_model().objects.filter(pk=user.pk).update(calendar_token=token)
    user.calendar_token = token
    return token


def start_calendar_feed(*, user) -> str:
    """Give the feed an address if it has none; an existing one stays as it is (a second
    click, or a stale tab, mustn't cut off the apps that use it)."""
    token = secrets.token_urlsafe(32)
    get_user_model().objects.filter(pk=user.pk, calendar_token__isnull=True).update(
        calendar_token=token
    )
    user.calendar_token = (
        get_user_model().objects.filter(pk=user.pk).values_list("calendar_token", flat=True).get()
    )
    return user.calendar_token


def stop_calendar_feed(*, user) -> None:
    get_user_model().objects.filter(pk=user.pk).update(calendar_token=None)
    user.calendar_token = None
