"""Browser journeys run against pytest-django's live_server in headless Chromium.

Debian's /usr/bin/chromium is used when present: Playwright cannot download a browser
here, so `make test` installs Debian's as root, or says to. Elsewhere Playwright's own
Chromium is used (`.venv/bin/playwright install chromium`).
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error as PlaywrightError

from e2e import playwright_ffmpeg
from tests.conftest import make_user, password  # noqa: F401  (shared fixtures)
from tests.factories import UserFactory

CHROMIUM = Path("/usr/bin/chromium")
REPORTS = pytest.StashKey[dict]()
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


def pytest_configure(config):
    if config.getoption("video", "off") != "off" and not playwright_ffmpeg.ready():
        config.option.video = "off"
        print(f"Failing browser tests keep no video: {playwright_ffmpeg.MISSING}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def context(context, request, output_path):
    """Keep a trace of each failing test: every step, its DOM as it was, the network and
    the console, for `playwright show-trace`. (pytest-playwright's own --tracing also
    films each step, which took a third of the browser tests' time; the video that
    --video keeps is the moving picture.)"""
    context.tracing.start(snapshots=True)
    yield context
    reports = request.node.stash.get(REPORTS, {})
    if any(report.failed for report in reports.values()):
        os.makedirs(output_path, exist_ok=True)
        context.tracing.stop(path=os.path.join(output_path, "trace.zip"))
    else:
        context.tracing.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args}
    args["args"] = [*args.get("args", []), *CHROMIUM_ARGS]
    if CHROMIUM.exists():
        args["executable_path"] = str(CHROMIUM)
    return args


def pytest_collection_modifyitems(config, items):
    """Against a deployed EMS (--base-url) only the journeys on its demo accounts can
    run: the others make their own data in the test database."""
    if not config.getoption("base_url", None):
        return
    kept = [item for item in items if item.get_closest_marker("deployed")]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.fixture(scope="session")
def base_url(pytestconfig, live_server):
    """The site under test: a deployed one given by --base-url, else the test server.
    (Asking for live_server here also gives each test a database it can see.)"""
    return pytestconfig.getoption("base_url", None) or live_server.url


# axe-core checks every page state a journey visits: each load as a whole, and after each
# htmx swap, what the swap brought (with the list or table around it) and the rules that
# are about the page as a whole, once the page settles. Serious and critical violations
# are reported as console errors, which fail the test. Injected by the test browser only:
# the site's CSP stays strict.
CHECK_ACCESSIBILITY = """
(() => {
  let queue = Promise.resolve();
  let timer = null;
  const swapped = new Set();
  // Once fades have ended: half-transparent text would read as low contrast.
  const still = () =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {})));
  // The rules about the page as a whole (its language, title, landmarks, skip link):
  // those that start from <html> or a <meta>. axe's public getRules() doesn't give that.
  const pageRules = () =>
    axe._audit.rules
      .filter((rule) => rule.enabled && (rule.pageLevel || /^(html|meta)\\b/.test(rule.selector)))
      .map((rule) => rule.id);
  const run = (swappedParts) => {
    if (!swappedParts) return axe.run(document, { resultTypes: ["violations"] });
    // Those run on the whole document, apart from the swapped parts (and before them:
    // axe runs one check at a time).
    const page = { runOnly: { type: "rule", values: pageRules() }, resultTypes: ["violations"] };
    return axe.run(document, page).then((whole) => {
      // A later swap may have replaced some parts while earlier checks ran.
      const parts = swappedParts.filter((element) => element.isConnected);
      if (!parts.length) return whole;
      return axe.run({ include: parts }, { resultTypes: ["violations"] }).then((swapped) => ({
        violations: whole.violations.concat(swapped.violations),
      }));
    });
  };
  const why = (node) => node.any.concat(node.all).map((check) => check.message).join("; ");
  const check = (when, parts) => {
    queue = queue.then(still).then(() => run(parts)).then((results) => {
      for (const found of results.violations) {
        if (found.impact !== "serious" && found.impact !== "critical") continue;
        const where = found.nodes
          .map((node) => `${node.target.join(" ")} (${why(node)})`)
          .join(", ");
        console.error(`axe: ${found.id} (${found.impact}) ${when} ${location.pathname}: ${where}`);
      }
    }, (error) => console.error(`axe could not run: ${error}`));
  };
  // The structure a swapped part belongs to: rules such as definition-list start there.
  const around = (element) =>
    element.closest("dl, ul, ol, table, [role=list], [role=table], [role=radiogroup]") || element;
  addEventListener("load", () => check("on loading"));
  document.addEventListener("htmx:afterSettle", (event) => {
    swapped.add(event.target);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const parts = new Set([...swapped].filter((element) => element.isConnected).map(around));
      swapped.clear();
      check("after a swap on", [...parts]);
    }, 50);
  });
  const settled = () => new Promise((done) => setTimeout(done, 60));
  window.__accessibilityChecked = () => settled().then(() => queue);
})();
"""


@pytest.fixture
def page(page):
    """The page, failing the test on any console error, uncaught exception, CSP violation
    or serious accessibility problem (axe-core) in any state it was in."""
    errors = []

    def on_console(message):
        # Chromium logs every 4xx as an error; a refusal the page shows (409, 422) is not one.
        if message.type == "error" and not EXPECTED_REFUSAL.match(message.text):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.add_init_script(AXE_SCRIPT + ";" + CHECK_ACCESSIBILITY)
    # No fades: axe would catch a toast half-transparent, between two checks.
    page.emulate_media(reduced_motion="reduce")
    yield page
    # A page navigating away at the end takes its pending checks with it.
    if not page.is_closed() and page.url.startswith("http"):
        with contextlib.suppress(PlaywrightError):
            page.evaluate("window.__accessibilityChecked && window.__accessibilityChecked()")
    assert errors == [], f"Browser reported errors: {errors}"


@pytest.fixture
def attendee(db):
    """The person most journeys follow."""
    return UserFactory(email="ada@example.com", name="Ada")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """As in tests/: a real hash costs ~0.3 s per user, over 10 s for a catalogue of
    events with an organizer each, and the journeys only need passwords to round-trip."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
