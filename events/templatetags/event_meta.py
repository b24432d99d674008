"""Search engines' view of an event page: {% load event_meta %}{% event_json_ld event %}."""

from urllib.parse import urlencode

from django import template

from site_url import absolute

from .. import intents, structured_data

register = template.Library()


@register.simple_tag
def event_json_ld(event):
    return structured_data.json_ld_script(structured_data.event_json_ld(event))


@register.filter
def absolute_url(path: str) -> str:
    return absolute(path)


@register.simple_tag
def login_to_register(event):
    """The login page, which registers the visitor for `event` once they're in."""
    return intents.login_url(event)


@register.filter
def map_url(event) -> str:
    """The venue on OpenStreetMap: a plain link, with no embed and no tracking."""
    place = ", ".join(part for part in (event.venue, event.city) if part)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": place})
