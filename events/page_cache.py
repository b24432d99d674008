"""Whole pages cached for anonymous visitors, who all see the same page.

A page is shared when the visitor is anonymous and has no flash messages waiting.
It carries nothing per visitor: no CSRF token, as an anonymous visitor posts nothing
from it (register and cancel are links to log in there), and no CSP nonce, as every
script is a file from 'self', which the policy allows without one. So every visitor
gets the same bytes, and nothing in an event's text can be mistaken for a stand-in.
Keys carry the data's version, so a change shows at once without invalidation, the
address, the visitor's language and time zone (see audience()), and the minute, so
time-based state (an event starting, "today") moves along.
EMS_FRAGMENT_CACHE=0 turns this off with the template fragments.

The address is the page's own: the parameters it reads, in a fixed order (see
share()), so that ?utm=1, ?utm=2, ... share one entry instead of each storing a page.
A page for input the view refused (an invalid filter, a page number out of range)
is served but not stored, so made-up values can't fill the cache either.

Because a key names one immutable version, each process also keeps its most recent
pages in memory (the "recent_pages" cache, a bounded LocMemCache), in front of the
shared cache: a hit on a popular page then costs no cache round trip.
"""

import hashlib
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse, QueryDict
from django.utils import timezone, translation
from django.utils.http import urlencode

from .models import Category, Event
from .sql import column, fetch, marks, table

TTL = 600
# Context that renders a shared page: base.html leaves out the nonce and the token.
SHARED = {"shared_page": True}


def page_cache():
    """The cache {% cache %} uses: "template_fragments" when configured, else the default."""
    return caches["template_fragments"] if "template_fragments" in settings.CACHES else cache


def shareable(request) -> bool:
    """Whether this visitor sees what every anonymous visitor sees. Counting the waiting
    messages does not consume them; without a messages cookie it reads nothing."""
    return not request.user.is_authenticated and not get_messages(request)


def share(request, params: dict[str, str]) -> str:
    """Make `request` the one every visitor sharing its page makes: only `params`, the
    parameters the page reads, in the caller's fixed order. Returns its absolute URL,
    the page's address in its key. Rendering from it keeps every other parameter out of
    the links the shared page hands out (pagination keeps request.GET, "Log in" the
    full path)."""
    query = urlencode(params)
    if query != request.META.get("QUERY_STRING"):
        request.GET = QueryDict(query)
        request.META = {**request.META, "QUERY_STRING": query}
    return request.build_absolute_uri()


def shared_page(request, key: str, render: Callable[[dict], tuple[str, bool]]) -> HttpResponse:
    """The cached page for `key`, rendered by render(SHARED) on a miss. render returns
    the page and whether to store it."""
    return HttpResponse(cached(key, lambda: render(SHARED)))


def cached(key: str, render: Callable[[], tuple[str, bool]]) -> str:
    """The cached text for `key`, from this process's recent pages, else the shared
    cache, else render(), which returns the text and whether to store it."""
    recent = caches["recent_pages"]
    html = recent.get(key)
    if html is None:
        shared = page_cache()
        html = shared.get(key)
        keep = True
        if html is None:
            html, keep = render()
            if keep:
                shared.set(key, html, TTL)
        if keep and not isinstance(shared, DummyCache):
            recent.set(key, html, TTL)
    return html


def signed_in(request) -> bool:
    """Whether this visitor's page can be served from the copy every signed-in visitor
    shares (see standins): signed in, with no messages waiting."""
    return request.user.is_authenticated and not get_messages(request)


def _minute() -> str:
    return timezone.now().strftime("%Y%m%d%H%M")


def _digest(url: str) -> str:
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def catalogue_version() -> str:
    """The latest change to any event, and to the categories the filters offer. Any
    change to an event bumps its updated_at (seat counts included, see services), and
    categories touch their events when they change (see signals); the categories' own
    stamps and count add one with no events, and its removal."""
    categories = table(Category)
    return str(
        fetch(
            f"SELECT MAX({column(Event, 'updated_at')}),"
            f" (SELECT MAX({column(Category, 'updated_at')}) FROM {categories}),"
            f" (SELECT COUNT(*) FROM {categories}) FROM {table(Event)}"
        )
    )


class EventVersion(NamedTuple):
    event_id: int
    organizer_id: int
    updated_at: object

    def __str__(self) -> str:
        return f"{self.event_id}:{self.updated_at}"


def event_version(slug: str) -> EventVersion | None:
    """The version of the reachable event at `slug`, or None when none is there: the
    rows of Event.objects.reachable(), which a test holds this to."""
    row = fetch(
        f"SELECT {column(Event, 'id')}, {column(Event, 'organizer')},"
        f" {column(Event, 'updated_at')} FROM {table(Event)}"
        f" WHERE {column(Event, 'slug')} = %s"
        f" AND {column(Event, 'status')} IN ({marks(Event.LISTED)})",
        [slug, *Event.LISTED],
    )
    return row and EventVersion(*row)


def audience(request) -> str:
    """What shapes a shared page besides its address: the visitor's language, and their
    time zone, in which the page also shows each event's time (None: not known yet)."""
    return f"{translation.get_language()}|{getattr(request, 'viewer_zone', None)}"


def catalogue_key(request, url: str, partial: bool, signed_in=False) -> str:
    version = f"{url} {audience(request)} {catalogue_version()}"
    return f"catalogue:{_digest(version)}:{_minute()}:{int(partial)}{':signed-in' * signed_in}"


def detail_key(request, version: EventVersion, url: str, signed_in=False) -> str:
    digest = _digest(f"{url} {audience(request)} {version}")
    return f"event-page:{digest}:{_minute()}{':signed-in' * signed_in}"
