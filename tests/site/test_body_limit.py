"""An oversized body is refused from its headers, before the CSRF check reads it and
before anything is spooled to disk (issue 12, point 9)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from body_limit import MAX_BODY

CREATE = reverse("events:create")


class Unreadable(io.RawIOBase):
    """A wsgi.input that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the request body was read")


def send(path=CREATE, **environ):
    """POST with the given headers and a body that must not be read, checking CSRF
    tokens as a browser's request is checked."""
    client = Client(enforce_csrf_checks=True)
    return client.generic("POST", path, **{"wsgi.input": Unreadable()}, **environ)


def multipart(length: int) -> dict:
    # Well-formed tokens that don't match: the CSRF check would read the body to look
    # for the form's token before it refused them.
    return {
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": str(length),
        "HTTP_COOKIE": f"csrftoken={'a' * 32}",
        "HTTP_X_CSRFTOKEN": "b" * 32,
    }


def test_an_oversized_upload_is_refused_unread_and_nothing_is_spooled(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    response = send(**multipart(300 * 1024 * 1024))
    assert response.status_code == 413
    assert "A poster can be at most 5 MB" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not any(tmp_path.iterdir())


def test_the_api_gets_json():
    response = send(reverse("api:registration", args=["any"]), **multipart(MAX_BODY + 1))
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_htmx_gets_a_toast():
    response = send(**multipart(MAX_BODY + 1), HTTP_HX_REQUEST="true")
    assert response.status_code == 413
    toast = json.loads(response["HX-Trigger"])["messages"]["items"][0]
    assert toast["level"] == "error"
    assert "too large" in toast["text"]


def test_a_body_without_a_length_is_refused_unread():
    # Django reads Content-Length bytes only, so a chunked body would silently vanish.
    response = send(
        CONTENT_TYPE="multipart/form-data; boundary=x", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()


@pytest.mark.django_db
def test_a_poster_sized_upload_goes_on_to_the_csrf_check():
    # Just under the limit: the request is read, and refused for its token instead.
    poster = SimpleUploadedFile("poster.jpg", b"x" * (MAX_BODY - 64 * 1024))
    response = Client(enforce_csrf_checks=True).post(CREATE, {"poster": poster})
    assert response.status_code == 403


@pytest.mark.django_db
def test_reads_are_untouched(client):
    assert client.get(reverse("events:list")).status_code == 200
