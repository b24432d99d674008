"""Poster images: verify what users upload, then store clean, resized copies.

Only real JPEG, PNG and WebP images pass: Pillow must parse them, whatever their
name or content type claims. Re-encoding drops metadata (camera EXIF, GPS) and
anything smuggled after the image data.
"""

import io
import uuid
from dataclasses import dataclass

from django import forms
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
FULL_WIDTH = 1600
CARD_WIDTH = 800

INVALID = "Upload a JPEG, PNG or WebP image. This file is not one, or it is damaged."


@dataclass(frozen=True)
class Poster:
    full: ContentFile
    card: ContentFile


def _encode(image: Image.Image, width: int) -> ContentFile:
    copy = image.copy()
    if copy.width > width:
        copy = copy.resize((width, round(copy.height * width / copy.width)), Image.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, "WEBP", quality=82, method=4)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.webp")


def _too_many_pixels(size: str) -> forms.ValidationError:
    return forms.ValidationError(
        f"This image is {size}; posters can have at most {MAX_PIXELS // 1_000_000} megapixels.",
        code="too_many_pixels",
    )


def process(upload) -> Poster:
    """Validate an uploaded file and return the web-ready copies, or raise ValidationError."""
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(
            f"This image is {filesizeformat(upload.size)}; posters can be at most "
            f"{filesizeformat(MAX_BYTES)}.",
            code="file_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            # Only the header is read so far: refuse bombs before decoding a pixel.
            if probe.format not in ALLOWED_FORMATS:
                raise forms.ValidationError(INVALID, code="invalid_format")
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_many_pixels(f"{probe.width}×{probe.height} pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            return Poster(full=_encode(image, FULL_WIDTH), card=_encode(image, CARD_WIDTH))
    except forms.ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels("far too many pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise forms.ValidationError(INVALID, code="invalid_image") from exc
    finally:
        upload.seek(0)


class PosterField(forms.FileField):
    """A file field whose cleaned value is a processed Poster (or None)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None or upload is False or upload == initial:
            return upload
        return process(upload)
