"""Every word a person reads goes through the translation catalogue.

The template check reads each template as a translator would: whatever is left after
taking out template tags, variables, comments, scripts and translated blocks must
have no words in it, in the text or in the attributes people read (alt, title,
placeholder, aria-label, content).
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

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
    # Settings for the browser, not text.
    r"<meta (?:name|property)=\"(?:viewport|robots|og:type|twitter:card)\"[^>]*>",
]
TAG_OR_VARIABLE = r"{%.*?%}|{{.*?}}"
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


def reading(template: str) -> list[str]:
    """The pieces of a template people read that are not translated."""
    for region in REGIONS:
        template = re.sub(region, " ", template, flags=re.S)
    # A variable or tag inside an attribute must not end the attribute early.
    template = re.sub(TAG_OR_VARIABLE, " ", template, flags=re.S)
    attributes = [
        value
        for _, value in re.findall(rf"\s(?:{'|'.join(READ_ATTRIBUTES)})=([\"'])(.*?)\1", template)
    ]
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
      {% blocktranslate trimmed %}Only {{ n }} left{% endblocktranslate %}
      <meta name="viewport" content="width=device-width"><b title='Sold out'>0</b>"""
    assert reading(template) == ["Hi", "Poster for", "Sold out", "Free"]


# -- The German catalogue -------------------------------------------------------------

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "de" / "LC_MESSAGES" / "django.po"
# As `make messages` runs it (Makefile, MESSAGES_OPTIONS).
MAKEMESSAGES = {
    "locale": ["de"],
    "no_obsolete": True,
    "add_location": "file",
    "ignore_patterns": ["var/*", "tests/*", "e2e/*", "bench/*"],
    "verbosity": 0,
}


def without_dates(po: str) -> str:
    return re.sub(r'^"(POT|PO-Revision)-[^\n]*\n', "", po, flags=re.M)


def test_make_messages_has_nothing_to_add_or_remove(tmp_path, settings, monkeypatch):
    # The catalogue is updated in a copy, from the code as it is now.
    shutil.copytree(LOCALE, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(settings.BASE_DIR)
    call_command("makemessages", **MAKEMESSAGES)
    updated = (tmp_path / "locale" / PO.relative_to(LOCALE)).read_text()
    assert without_dates(updated) == without_dates(PO.read_text()), "Run `make messages`."


def test_every_string_has_a_german_translation():
    entries = PO.read_text().split("\n\n")[1:]  # after the header
    untranslated = [
        entry
        for entry in entries
        if "#, fuzzy" in entry or re.search(r'^msgstr(\[\d\])? ""\n(?!")', entry + "\n", re.M)
    ]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_translations(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", compiled, PO], check=True)

    def catalogue(path):
        with open(path, "rb") as file:
            return gettext.GNUTranslations(file)._catalog

    assert catalogue(compiled) == catalogue(PO.with_suffix(".mo")), "Run `make messages`."
