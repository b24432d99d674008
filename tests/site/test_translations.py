"""Every word a person reads goes through the translation catalogue.

The template check reads each template as a translator would: whatever is left after
taking out template tags, variables, comments, scripts and translated blocks must
have no words in it, in the text or in the attributes people read (alt, title,
placeholder, aria-label, content).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
READ_ATTRIBUTES = (
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "content",
    "data-label",
    "hx-confirm",
)

# Whole regions nobody reads as text, or already translated.
REGIONS = [
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}",
    r"{#.*?#}",
    r"<!--.*?-->",
    r"<script\b.*?</script>",
    r"<style\b.*?</style>",
    r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}",
]
TAG_OR_VARIABLE = r"{%.*?%}|{{.*?}}"
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


def reading(template: str) -> list[str]:
    """The pieces of a template people read that are not translated."""
    for region in REGIONS:
        template = re.sub(region, " ", template, flags=re.S)
    # A variable or tag inside an attribute must not end the attribute early.
    template = re.sub(TAG_OR_VARIABLE, " ", template, flags=re.S)
    attributes = re.findall(rf'\s(?:{"|".join(READ_ATTRIBUTES)})="([^"]*)"', template)
    text = re.sub(r"<[^>]*>", "\n", template)
    return [piece.strip() for piece in [*attributes, *text.split("\n")] if WORD.search(piece)]


def page_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_untranslated_words(path):
    assert reading(path.read_text()) == []


def test_the_check_finds_words_and_ignores_everything_else():
    template = """{% extends "base.html" %}{# note #}<p title="Hi {{ name }}">{{ event.title }}
      {% translate "Seats" %} · 12</p><img alt="Poster for {{ title }}"><b>Free</b>
      {% blocktranslate trimmed %}Only {{ n }} left{% endblocktranslate %}"""
    assert reading(template) == ["Hi", "Poster for", "Free"]
