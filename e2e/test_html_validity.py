"""Every page, and the main htmx fragments, as the live test server sends them, checked
by the Nu HTML Checker (vnu.jar on Java, fetched by `make test`): nothing but the
allow-listed may come back, errors and warnings alike."""

import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from e2e.test_accessibility import world  # noqa: F401  (the same people and events)
from events import intents

pytestmark = pytest.mark.slow

VNU_JAR = Path(os.environ.get("EMS_VNU_JAR", "var/tools/vnu-26.9.27.jar"))
ALLOWED = [
    # htmx's attributes: the HTML standard has no place for them. htmx reads data-hx-*
    # too, but hx-* is what its documentation and every example use, so we keep it.
    re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element “[a-z]+” at this point\.$"),
]
# A fragment is checked inside the smallest valid page, under the h1 its page has.
WRAPPER = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fragment</title>'
    "</head><body><h1>Fragment</h1>{}</body></html>"
)


def fetch(url: str, session: str | None = None, htmx=False) -> str:
    request = urllib.request.Request(url)
    if session:
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")
    if htmx:
        request.add_header("HX-Request", "true")
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.read().decode()


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def check(documents: dict[str, str], tmp_path) -> list[str]:
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: `make test` fetches it"
    files = []
    for n, (name, html) in enumerate(documents.items()):
        path = tmp_path / f"{n:02}.html"
        path.write_text(html)
        files.append((path, name))
    result = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
        + [str(path) for path, _ in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    names = {path.name: name for path, name in files}
    report = json.loads(result.stderr)
    return [
        f"{names.get(message.get('url', '').rpartition('/')[2])}: {message['message']}"
        for message in report["messages"]
        if not any(allowed.match(message["message"]) for allowed in ALLOWED)
    ]


def test_every_page_and_fragment_is_valid_html(live_server, world, tmp_path):  # noqa: F811
    organizer, attendee, event, full, cancelled = world
    site = live_server.url
    visitor_paths = [
        "/",
        "/events/?page=2",
        "/events/?date_from=nonsense",
        event.get_absolute_url(),
        cancelled.get_absolute_url(),
        "/accounts/login/",
        f"/accounts/login/?{intents.PARAM}={intents.token(event)}",
        "/accounts/signup/",
        "/accessibility/",
    ]
    documents = {path: fetch(site + path) for path in visitor_paths}
    ada = session_of(attendee)
    for path in (event.get_absolute_url(), full.get_absolute_url(), "/me/registrations/"):
        documents[f"attendee {path}"] = fetch(site + path, ada)
    olga = session_of(organizer)
    for path in (
        event.get_absolute_url(),
        cancelled.get_absolute_url(),
        "/organize/",
        f"/organize/events/{event.slug}/attendees/",
        f"/events/{event.slug}/edit/",
        "/events/new/",
    ):
        documents[f"organizer {path}"] = fetch(site + path, olga)
    fragments = {
        "results": ("/events/?q=meetup", None),
        "guest form": (f"/events/{event.slug}/my-registration/", ada),
        "attendee search": (f"/organize/events/{event.slug}/attendees/?q=ada", olga),
        **{
            f"{name} form": (f"/events/{event.slug}/edit/{name}/", olga)
            for name in ("title", "when", "where", "seats", "poster")
        },
    }
    for name, (path, session) in fragments.items():
        html = fetch(site + path, session, htmx=True)
        # The facts' forms replace a term and its description, inside the page's <dl>.
        html = f"<dl>{html}</dl>" if name in ("when form", "where form") else html
        documents[f"fragment: {name}"] = WRAPPER.format(html)
    assert check(documents, tmp_path) == []
