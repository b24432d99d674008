from django.core.exceptions import PermissionDenied

from . import throttle


class ThrottleBackend:
    """First in AUTHENTICATION_BACKENDS, so a throttled login is refused before any
    backend hashes a password. Covers every form that calls authenticate(), the admin's
    login included. It has no get_user(): it never signs anyone in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if throttle.blocked(throttle.LOGIN, request, username or ""):
            raise PermissionDenied  # authenticate() stops here and returns None
        return None
