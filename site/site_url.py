"""Absolute addresses for what has no request to build them from: emails, calendar
files and feeds, signed links and link previews. Every one starts with EMS_SITE_URL,
which `check --deploy` requires to be a public address (events.checks)."""

from urllib.parse import urljoin, urlsplit

from django.conf import settings


def absolute(url: str) -> str:
    """`url` on this site as an absolute address. One that is absolute already, or
    protocol-relative (an upload on object storage), keeps its own host."""
    return urljoin(settings.SITE_URL + "/", url)


def host() -> str:
    return urlsplit(settings.SITE_URL).hostname or ""
