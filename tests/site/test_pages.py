import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseRedirect
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults
from django_htmx.middleware import HtmxMiddleware

from htmx_messages import HtmxMessagesMiddleware
from resilient_cache import ResilientRedisCache
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_strict_csp_with_a_nonce_on_every_script(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([\w-]+)'", policy).group(1)
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 2
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert "hx-on" not in html
    # htmx is configured from app.js, before it starts: no injected <style>, no eval.
    app_js = (settings.BASE_DIR / "static/js/app.js").read_text()
    assert "includeIndicatorStyles: false," in app_js
    assert "allowEval: false," in app_js


class Assets(HTMLParser):
    """What a browser fetches to draw the page, each with the content type it needs: under
    `nosniff` a stylesheet or script served as anything else is refused."""

    def __init__(self):
        super().__init__()
        self.wanted = set()  # (URL, content type)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.wanted.add((attrs["src"], "text/javascript"))
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.wanted.add((attrs["href"], "text/css"))
        elif tag == "link" and attrs.get("href") and attrs.get("rel") != "canonical":
            self.wanted.add((attrs["href"], attrs.get("type", "")))
        elif tag == "img" and attrs.get("src"):
            self.wanted.add((attrs["src"], "image/"))


def test_every_script_stylesheet_and_icon_is_served_by_us(client, user):
    event = EventFactory(title="Asset check")
    signed_in = Client()
    signed_in.force_login(user)
    parser = Assets()
    for browser, url in [
        (client, reverse("home")),
        (client, event.get_absolute_url()),
        (signed_in, reverse("home")),
    ]:
        parser.feed(browser.get(url).content.decode())
    htmx = [url for url, _ in parser.wanted if url.endswith("/htmx.min.js")]
    assert len(htmx) == 1 and htmx[0].startswith("/static/vendor/htmx-2."), htmx
    for url, content_type in sorted(parser.wanted):
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
        response = client.get(url)
        body = response.getvalue()
        response.close()
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type), (url, response["Content-Type"])
        assert body, url
        if content_type == "text/css":  # and a stylesheet fetches nothing from elsewhere
            assert not re.search(rb"url\(\s*[\"']?(https?:)?//|@import", body), url
    htmx_js = client.get(htmx[0])
    assert htmx_js.getvalue().startswith(b"var htmx=function()")
    htmx_js.close()


def test_csrf_token_travels_in_hx_headers(client, user):
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'", html)


def test_shared_anonymous_pages_load_only_scripts_from_self(client):
    response = client.get(reverse("home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert len(scripts) == 2
    assert all('src="/static/' in tag and "nonce" not in tag for tag in scripts)


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    assert 'rel="icon" href="/static/favicon.svg"' in client.get(reverse("home")).content.decode()


def test_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Browse events" in html


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (defaults.bad_request, 400, "Bad request"),
        (defaults.permission_denied, 403, "You can't do that"),
        (defaults.server_error, 500, "Something went wrong"),
    ],
)
def test_friendly_error_pages(handler, status, title):
    request = RequestFactory().get("/")
    response = handler(request) if handler is defaults.server_error else handler(request, None)
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert "Browse events" in html


def test_friendly_csrf_failure(user, password):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:login"), {"username": user.email, "password": password}
    )
    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()


def _through_middleware(request, response):
    def view(request):
        messages.success(request, "Saved!")
        return response

    return HtmxMiddleware(HtmxMessagesMiddleware(view))(request)


def _request(**headers):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/", headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_messages_reach_htmx_responses_as_an_hx_trigger_event():
    response = _through_middleware(_request(HX_Request="true"), HttpResponse("<p>partial</p>"))
    assert json.loads(response["HX-Trigger"]) == {
        "messages": {"items": [{"text": "Saved!", "level": "success"}]}
    }


@pytest.mark.parametrize(
    ("headers", "response"),
    [
        ({}, HttpResponse("full page")),
        ({"HX_Request": "true", "HX_Boosted": "true"}, HttpResponse("boosted")),
        ({"HX_Request": "true"}, HttpResponseRedirect("/elsewhere/")),
    ],
    ids=["full page", "boosted", "redirect"],
)
def test_messages_stay_for_the_page_that_renders_them(headers, response):
    request = _request(**headers)
    result = _through_middleware(request, response)
    assert "HX-Trigger" not in result
    assert [str(m) for m in messages.get_messages(request)] == ["Saved!"]


def test_full_pages_render_messages_as_toasts_and_an_empty_live_region(client, user, password):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": password}, follow=True
    )
    html = response.content.decode()
    # app.js announces the toasts once the page has loaded; a live region that already
    # holds its text when the page loads is never read out.
    assert (
        '<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>'
        in html
    )
    assert not re.search(r'id="messages"[^>]*aria-live', html)
    assert '<div class="toast toast-success">Welcome back, Ada Lovelace.</div>' in html


def test_redis_outage_degrades_to_cache_misses(caplog):
    # A dead address of its own: the breaker is per server, and another test's open
    # breaker for port 1 would skip the call whose failure is logged here.
    cache = ResilientRedisCache(
        "redis://127.0.0.1:2/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert cache.get("key", "fallback") == "fallback"
    cache.set("key", "value")
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("key", "value") is False
    assert cache.delete("key") is False
    assert "Cache unavailable" in caplog.text


def test_the_configured_cache_works():
    cache = caches["default"]
    cache.set("ems-test-key", "value", 5)
    assert cache.get("ems-test-key") == "value"


def test_the_accessibility_statement_is_linked_from_every_page(client, settings):
    home = client.get("/").content.decode()
    assert '<a href="/accessibility/">Accessibility</a>' in home
    page = client.get("/accessibility/").content.decode()
    assert "<h1>Accessibility</h1>" in page
    assert "WCAG" in page and "axe-core" in page and "Nu HTML Checker" in page
    assert "please tell the people who run this site" in page
    settings.CONTACT_EMAIL = "help@events.example.com"
    page = client.get("/accessibility/").content.decode()
    assert '<a href="mailto:help@events.example.com">help@events.example.com</a>' in page
