"""Uploads for tests, made in memory."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(
    name="poster.jpg", size=(1200, 675), fmt="JPEG", mode="RGB", color="#4f46e5", **options
):
    """One colour, in any mode and format Pillow writes; `options` go to Image.save."""
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def solid_png(name, size, rgba):
    """A one-colour RGBA PNG written a row at a time.

    Pillow would build the whole image first: 100 MB and a second for 24 megapixels. This
    takes a fifth of that time, no memory to speak of, and under 0.5 MB on disk.
    """
    width, height = size
    row = b"\0" + bytes(rgba) * width  # filter type 0 ("none"), then the pixels
    deflate = zlib.compressobj(1)
    pixels = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, not interlaced
    body = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels)
    return SimpleUploadedFile(name, body + _chunk(b"IEND", b""), content_type="image/png")


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def mpo_upload(*pictures, **options):
    """Several pictures in one JPEG file (MPO), as many phone cameras save them."""
    buffer = io.BytesIO()
    pictures[0].save(buffer, "MPO", save_all=True, append_images=pictures[1:], **options)
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


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
