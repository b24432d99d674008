from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import throttle


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs) -> None:
    if request is not None and not getattr(request, "throttled_for", None):
        throttle.count(throttle.LOGIN, request, credentials.get("username") or "")


@receiver(user_logged_in)
def forget_honest_mistakes(sender, request, user, **kwargs) -> None:
    if request is not None:
        throttle.forget(throttle.LOGIN, request, user.email)
