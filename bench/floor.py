"""The signed-in floor: EMS's own settings and middleware, and a view that does nothing.

A POST with a session cookie and a CSRF token, as the register button sends, runs the
whole middleware stack, loads the session and the user and checks the token; the view
then returns a short response. No signed-in action can be faster, so its ratio to the
ceiling shows how much room a registration has for its own work.

    DJANGO_SETTINGS_MODULE=bench.floor gunicorn --pythonpath site wsgi:application
"""

from django.http import HttpResponse
from django.urls import path

from settings import *  # noqa: F403  (site/settings.py, on the path through --pythonpath site)

ROOT_URLCONF = __name__


def floor(request):
    return HttpResponse(f"Hello, {request.user.get_username()}.")


urlpatterns = [path("", floor)]
