"""handler500: "busy, try again" (503) when the database can't answer right now.

A lock wait that runs out (PostgreSQL's lock_timeout, SQLite's busy timeout, see
settings) or a connection lost mid-request (a PostgreSQL restart) raises
OperationalError or InterfaceError. Nothing is left half-done: every change runs in
transaction.atomic(), which rolls back, or the server drops the transaction with the
connection, and Django closes a broken connection when the request ends. What's left
is to answer 503 with Retry-After instead of "Something went wrong".

This is the error handler rather than a middleware because Django turns exceptions
into responses inside each middleware layer: process_exception sees only the view's,
while handler500 runs for any layer's (a session or user loaded in middleware too),
still inside the `except`, so sys.exc_info() names the error. With DEBUG on Django
shows its traceback page instead, as for any other error.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from context_processors import site
from refusals import refusal

# Seconds: a lock wait gives up after 5 s (10 s on SQLite); a restart takes a few.
RETRY_AFTER = 5


def server_error(request):
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    # Rendered without the request's context processors: the user and the messages
    # live in the database, which is what just failed.
    page = loader.render_to_string("503.html", {"request": request, **site(request)})
    busy = _("We're very busy right now. Please try again in a few seconds.")
    response = refusal(request, 503, "busy", busy, page)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
