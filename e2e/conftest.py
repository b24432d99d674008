"""Browser journeys run against pytest-django's live_server in headless Chromium.

Debian's /usr/bin/chromium is used when present (Playwright cannot download a
browser here); elsewhere `make test` runs `playwright install chromium` first.
"""

import re
from pathlib import Path

import pytest

from tests.conftest import make_user, password  # noqa: F401  (shared fixtures)

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, reproducible Chromium: no background connections to a network we may not have.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

EXPECTED_REFUSAL = re.compile(
    r"Failed to load resource: the server responded with a status of (409|422) "
)

REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args}
    args["args"] = [*args.get("args", []), *CHROMIUM_ARGS]
    if CHROMIUM.exists():
        args["executable_path"] = str(CHROMIUM)
    return args


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def page(page):
    """The page, failing the test on any console error, uncaught exception or CSP violation."""
    errors = []

    def on_console(message):
        # Chromium logs every 4xx as an error; a refusal the page shows (409, 422) is not one.
        if message.type == "error" and not EXPECTED_REFUSAL.match(message.text):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    yield page
    assert errors == [], f"Browser reported errors: {errors}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """As in tests/: a real hash costs ~0.3 s per user, over 10 s for a catalogue of
    events with an organizer each, and the journeys only need passwords to round-trip."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
