"""Search engines' view of an event page: {% load event_meta %}{% event_json_ld event %}."""

from django import template

from .. import structured_data

register = template.Library()


@register.simple_tag
def event_json_ld(event):
    return structured_data.json_ld_script(structured_data.event_json_ld(event))


@register.filter
def absolute_url(path: str) -> str:
    return structured_data.absolute(path)
