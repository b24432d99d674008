"""Uploads for tests, made in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(name="poster.jpg", size=(1200, 675), fmt="JPEG", mode="RGB", color="#4f46e5"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def text_as_jpg():
    return SimpleUploadedFile("poster.jpg", b"just some text, not a picture\n" * 20, "image/jpeg")


def oversize_jpg():
    return SimpleUploadedFile(
        "huge.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 1), "image/jpeg"
    )


def pixel_bomb():
    """A tiny PNG that claims 48 megapixels: one bit per pixel compresses to almost nothing."""
    return image_upload("bomb.png", size=(8000, 6000), fmt="PNG", mode="1", color=0)


def svg():
    body = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return SimpleUploadedFile("poster.svg", body, "image/svg+xml")
