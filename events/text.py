"""Text that people type, made safe for where it goes.

A title, a venue or a name is one line: it ends up in email headers, where a line
break is refused ("Header values may not contain linefeed"), in calendar files and
in CSV cells. Python's idea of a line break is wider than CR and LF: NEL (U+0085),
the line and paragraph separators (U+2028, U+2029) and a few control characters all
split a line, so every control character and separator goes.
"""

import re
import unicodedata

from django import forms
from django.db import models

# Cc: control characters (CR, LF, NEL, tab, NUL...); Zl, Zp: line and paragraph
# separators. Format characters (Cf) stay: emoji sequences need the zero-width joiner.
_BREAKING = {"Cc", "Zl", "Zp"}
_SPACES = re.compile(r"\s+")


def one_line(value: str) -> str:
    """`value` on one line: every break or control character becomes a space, runs of
    spaces collapse, and the ends are trimmed."""
    spaced = "".join(" " if unicodedata.category(c) in _BREAKING else c for c in value)
    return _SPACES.sub(" ", spaced).strip()


def multi_line(value: str) -> str:
    """`value` with its line breaks as plain newlines and no other control characters."""
    value = value.replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return "".join(
        c if c in "\n\t" or unicodedata.category(c) not in _BREAKING else " " for c in value
    )


def row_id(value) -> int | None:
    """A row id from text, or None: ASCII digits of a size a database id can have
    ("²".isdigit() is true, and int() of 5,000 digits raises)."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


class OneLineFormField(forms.CharField):
    def to_python(self, value):
        return one_line(super().to_python(value))


class OneLineCharField(models.CharField):
    """A CharField that is always stored on one line, whichever way it is written:
    forms and the admin, services, QuerySet.update() and the shell."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = one_line(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return one_line(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OneLineFormField, **kwargs})


class MultiLineFormField(forms.CharField):
    def to_python(self, value):
        return multi_line(super().to_python(value))


class MultiLineTextField(models.TextField):
    """A TextField whose line breaks are plain newlines, with a length limit that its
    forms enforce (the model adds a database check, as TextField has no size)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return multi_line(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MultiLineFormField, **kwargs})
