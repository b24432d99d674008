"""Whole content regions cached for anonymous visitors, who all see the same page.

Only the region inside the page shell is cached: the shell (CSP nonce, CSRF token,
navigation) is rendered per request. Keys carry the data's version, so a change shows
at once without invalidation, and the minute, so time-based state (an event starting,
"today") moves along. EMS_FRAGMENT_CACHE=0 turns this off with the template fragments.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import Max
from django.utils import timezone

from .models import Event

TTL = 600


def page_cache():
    """The cache {% cache %} uses: "template_fragments" when configured, else the default."""
    return caches["template_fragments"] if "template_fragments" in settings.CACHES else cache


def _minute() -> str:
    return timezone.now().strftime("%Y%m%d%H%M")


def catalogue_key(path: str, partial: bool) -> str:
    # Any change to an event bumps its updated_at (seat counts included, see services),
    # and categories touch their events when they change (see signals).
    version = Event.objects.aggregate(version=Max("updated_at"))["version"]
    stamp = version.timestamp() if version else 0
    digest = hashlib.md5(path.encode(), usedforsecurity=False).hexdigest()
    return f"catalogue:{digest}:{stamp}:{_minute()}:{int(partial)}"


def detail_key(event: Event) -> str:
    return f"event-page:{event.pk}:{event.updated_at.timestamp()}:{event.seats_taken}:{_minute()}"
