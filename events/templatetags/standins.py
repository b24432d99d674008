"""{% standin "name" arg %}...{% endstandin %}: a part of the page that is the visitor's
own. Rendered normally, it is just its content; in a shared signed-in copy, its
content is what the stand-in sees there, between marks (see events/standins.py)."""

import re

from django import template

register = template.Library()


class StandinNode(template.Node):
    def __init__(self, name, arg, nodelist):
        self.name, self.arg, self.nodelist = name, arg, nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        marks = context.get("standins")
        if marks is None:
            return content
        name, arg = self.name.resolve(context), self.arg.resolve(context) if self.arg else ""
        # What serving can find (see events.standins.serve): else the region would stay
        # the stand-in's, silently.
        if not re.fullmatch(r"[a-z-]+", name) or not re.fullmatch(r"[\w-]*", str(arg)):
            raise template.TemplateSyntaxError(f"Bad {{% standin %}} region: {name!r} {arg!r}")
        return f"{marks.region(name, arg)}{content}{marks.region('end')}"


@register.tag
def standin(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("{% standin %} takes a name and an optional argument.")
    name, *arg = (parser.compile_filter(bit) for bit in bits[1:])
    nodelist = parser.parse(("endstandin",))
    parser.delete_first_token()
    return StandinNode(name, arg[0] if arg else None, nodelist)
