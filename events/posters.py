"""Poster images: verify what users upload, then store clean, resized copies.

Only real JPEG (MPO included), PNG and WebP images pass: Pillow must parse them, whatever
their name or content type claims. Re-encoding drops metadata (camera EXIF, GPS) and anything
smuggled after the image data.

Work is bounded before a pixel is decoded. The header gives the size and layout, and each
format's pixel limit follows from what decoding it costs in memory: JPEG decodes at 1/2 to 1/8
scale (`draft`) unless libjpeg has to buffer every coefficient, PNG and WebP decode at full
size. After decoding, nothing is converted or copied at full size: the poster is made a band
of rows at a time, and the decoded pixels are freed before encoding.
"""

import fcntl
import io
import math
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# Outputs fit these boxes: a 2:3 poster keeps the full width the pages show, and every side stays
# far below WebP's 16,383 px limit. Taller or wider images shrink to fit.
FULL_BOX = (1600, 2400)
CARD_BOX = (800, 1200)
# At 16:1, even the card keeps a 50 px short side.
MAX_ASPECT = 16

# Memory the decoded pixels may take, in bytes; the rest of the work stays small beside it.
DECODE_BUDGET = 96_000_000
# PNG decodes at full size. 130 MB admits a 1600 x 20000 screenshot (32 MP, 4 bytes a pixel in
# Pillow) in about 0.6-0.9 s of CPU and 135 MB at the peak; a 5 MB file that large compresses
# well, so inflating it is quick.
PNG_BUDGET = 130_000_000
# Time caps: libjpeg reads every coefficient even at 1/8 scale; greyscale and palette PNGs are
# converted to RGB(A) pixel by pixel.
MAX_JPEG_PIXELS = 64_000_000
MAX_PNG_PIXELS = 32_500_000
# Each progressive scan is a pass over the image. Encoders write about ten per picture; the
# count covers every picture and thumbnail in the file.
MAX_JPEG_SCANS = 50
# Pillow's storage for the modes a PNG opens in; the other modes (LA, RGB, RGBA) take 4.
PNG_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2}
# Pillow decodes a WebP into libwebp's canvas and its backup, a frame copy, then the image.
WEBP_BYTES_PER_PIXEL = 16
# Rows are converted a band of about this many pixels at a time.
BAND_PIXELS = 1_000_000
# After a box reduce has done most of the shrinking, what's left is less than 2x: bicubic (as in
# Image.thumbnail) looks as good as Lanczos there, for 2/3 of the time.
RESAMPLE = Image.Resampling.BICUBIC

# What ImageOps.exif_transpose does for each EXIF orientation, applied here to the small copy.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SIDEWAYS = {5, 6, 7, 8}

BUSY = gettext_lazy(
    "Many posters are being processed right now. Please try again in a few seconds."
)
INVALID = gettext_lazy("Upload a JPEG, PNG or WebP image. This file is not one, or it is damaged.")


@dataclass(frozen=True)
class Poster:
    full: ContentFile
    card: ContentFile


def process(upload) -> Poster:
    """Validate an uploaded file and return the web-ready copies, or raise ValidationError."""
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(
            _("This image is %(size)s; posters can be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_BYTES)},
            code="file_too_large",
        )
    try:
        image = _opened(upload)
        with decoding_slot():
            full = _full_poster(image)
            card = full.resize(_fit(full.size, CARD_BOX), RESAMPLE)
            return Poster(full=_encode(full), card=_encode(card))
    except forms.ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses this before we see the size: over twice its own 89-megapixel warning.
        raise forms.ValidationError(
            _("This image has over %(huge)d megapixels; no poster can have more than %(max)d.")
            % {
                "huge": 2 * Image.MAX_IMAGE_PIXELS // 1_000_000,
                "max": MAX_JPEG_PIXELS // 1_000_000,
            },
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise forms.ValidationError(INVALID, code="invalid_image") from exc
    finally:
        upload.seek(0)


def _opened(upload) -> Image.Image:
    """The upload opened, its header read and found affordable; no pixel decoded yet."""
    upload.seek(0)
    # MPO (several pictures from one camera) opens through the JPEG plugin, as its first picture.
    image = Image.open(upload, formats=["JPEG", "PNG", "WEBP"])
    _refuse_costly(image, upload)
    return image


@contextmanager
def decoding_slot():
    """Hold one of the machine's POSTER_SLOTS while decoding and encoding, or refuse at once.

    Each poster takes up to a second of a CPU. Without a cap, a few uploads at once would
    hold every web worker and the catalogue would wait behind them; with one, the other
    workers keep serving pages and the extra uploads are told to try again in a moment.
    The slots are lock files, so they count across the worker processes of one machine.
    """
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(settings.POSTER_SLOTS):
        with open(folder / f"poster-{n}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
            return
    raise forms.ValidationError(BUSY, code="busy")


def slot_free() -> bool:
    """Whether a poster slot is free at this moment (a hint: it is not held)."""
    try:
        with decoding_slot():
            return True
    except forms.ValidationError:
        return False


def _full_poster(image: Image.Image) -> Image.Image:
    """The upright poster, fitted to FULL_BOX. The decoded pixels are freed when this returns."""
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    size = _fit(image.size, FULL_BOX, sideways=orientation in SIDEWAYS)
    image.draft(image.mode, size)  # JPEG only: decode at the smallest scale still >= size
    full = _resampled(image, size)
    return full.transpose(UPRIGHT[orientation]) if orientation in UPRIGHT else full


def _refuse_costly(image: Image.Image, upload) -> None:
    """Refuse, from the header alone, an image too oddly shaped or too costly to decode."""
    width, height = image.size
    facts = {"w": width, "h": height, "mp": width * height / 1e6, "n": MAX_ASPECT}
    if height > MAX_ASPECT * width:
        raise forms.ValidationError(
            _(
                "This image is %(w)d×%(h)d pixels; "
                "a poster can be at most %(n)d times as tall as it is wide."
            )
            % facts,
            code="bad_aspect_ratio",
        )
    if width > MAX_ASPECT * height:
        raise forms.ValidationError(
            _(
                "This image is %(w)d×%(h)d pixels; "
                "a poster can be at most %(n)d times as wide as it is tall."
            )
            % facts,
            code="bad_aspect_ratio",
        )
    limit, kind = _pixel_limit(image, upload)
    if width * height > limit:
        raise forms.ValidationError(
            _(
                "This image is %(w)d×%(h)d pixels (%(mp).1f megapixels); "
                "%(kind)s can have at most %(max)s megapixels."
            )
            % (facts | {"kind": kind, "max": f"{limit / 1e6:g}"}),
            code="too_many_pixels",
        )


def _pixel_limit(image: Image.Image, upload) -> tuple[int, str]:
    """How many pixels this image may have, and what kind of image the limit is for."""
    if image.format == "PNG":
        cost = PNG_BYTES_PER_PIXEL.get(image.mode, 4)
        return min(MAX_PNG_PIXELS, _affordable(cost, PNG_BUDGET)), _("a PNG poster like this one")
    if image.format == "WEBP":
        return _affordable(WEBP_BYTES_PER_PIXEL), _("a WebP poster")
    upload.seek(0)
    data = upload.read()
    # An upper bound on the scans (0xFFDA can't occur inside entropy-coded data).
    scans = data.count(b"\xff\xda")
    if scans > MAX_JPEG_SCANS:
        raise forms.ValidationError(
            _(
                "This JPEG is saved in %(n)d scans; a poster can have at most %(max)d. "
                "Save it as a standard JPEG."
            )
            % {"n": scans, "max": MAX_JPEG_SCANS},
            code="too_many_scans",
        )
    progressive = image.info.get("progressive")
    if not progressive and _first_scan_components(data) == len(image.layer):
        return MAX_JPEG_PIXELS, _("a JPEG poster")
    # libjpeg keeps every DCT coefficient (2 bytes each) whatever the draft scale. Each layer is
    # (id, horizontal sampling, vertical sampling, quantization table).
    sampling = [(layer[1], layer[2]) for layer in image.layer]
    if not all(h and v for h, v in sampling):
        raise forms.ValidationError(INVALID, code="invalid_image")
    h_max, v_max = max(h for h, _v in sampling), max(v for _h, v in sampling)
    cost = 2 * sum(h * v for h, v in sampling) / (h_max * v_max)
    if progressive:
        return min(MAX_JPEG_PIXELS, _affordable(cost)), _("a progressive JPEG poster like this one")
    return min(MAX_JPEG_PIXELS, _affordable(cost)), _("a multi-scan JPEG poster like this one")


def _affordable(bytes_per_pixel: float, budget: int = DECODE_BUDGET) -> int:
    """Pixels that fit the budget, rounded down to 0.1 megapixel for the message."""
    return int(budget / bytes_per_pixel) // 100_000 * 100_000


def _first_scan_components(data: bytes) -> int:
    """How many components the first scan of a JPEG carries (ITU T.81, B.2), 0 if unreadable.

    libjpeg decodes a file whose first scan holds them all a row at a time; otherwise it keeps
    the whole image's coefficients until the last scan.
    """
    pos = 2  # past the start-of-image marker
    while pos + 4 < len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
        elif marker == 0xDA:  # start of scan: length (2 bytes), then the component count
            return data[pos + 4]
        else:
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return 0


def _fit(size: tuple[int, int], box: tuple[int, int], sideways: bool = False) -> tuple[int, int]:
    """`size` scaled down to fit `box`; `sideways` fits it as it will be shown, turned a quarter."""
    if sideways:
        return _fit(size[::-1], box)[::-1]
    scale = min(box[0] / size[0], box[1] / size[1], 1)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _resampled(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Decode `image` and resample it to `size`, as RGB or premultiplied RGBa, a band at a time.

    Each band of rows is converted on its own (16-bit, palette, CMYK and alpha all need it),
    box-reduced by the largest whole factor that keeps it at least `size`, then resampled. Bands
    overlap by the filter's reach, so the result is exactly that of reducing and resampling the
    whole image, without a full-size converted copy beside the decoded one.
    Premultiplied alpha keeps the colour of transparent pixels out of the edges, and it is what
    Pillow's resize would otherwise convert the whole image to.
    """
    image.load()
    mode = "RGBa" if image.has_transparency_data else "RGB"
    factor = max(1, min(image.width // size[0], image.height // size[1]))
    reduced_height = -(-image.height // factor)
    scale = reduced_height / size[1]  # rows of the reduced image per output row, 1 or more
    reach = math.ceil(2 * scale) + 1  # bicubic reads 2 * scale rows on each side of a row
    # Output rows per band; very wide images still get a few, or the overlap would dominate.
    step = max(8, int(BAND_PIXELS / (image.width * factor * scale)))
    full = Image.new(mode, size)
    for top in range(0, size[1], step):
        bottom = min(top + step, size[1])
        first = max(0, math.floor(top * scale) - reach)
        last = min(reduced_height, math.ceil(bottom * scale) + reach)
        rows = (0, first * factor, image.width, min(last * factor, image.height))
        band = _converted(image.crop(rows), mode)
        if factor > 1:
            band = band.reduce(factor)
        # Horizontal pass, then vertical: Pillow picks the order by size, which would differ
        # between bands (and round differently) if it were left to choose.
        band = band.resize((size[0], band.height), RESAMPLE)
        box = (0, top * scale - first, size[0], bottom * scale - first)
        full.paste(band.resize((size[0], bottom - top), RESAMPLE, box), (0, top))
    return full


def _converted(band: Image.Image, mode: str) -> Image.Image:
    if band.mode.startswith("I;16"):
        # Pillow clips 16-bit values at 255 when it converts them to 8 bits: scale them down.
        band = band.convert("I").point(lambda value: value / 256).convert("L")
    if mode == "RGBa" and band.mode != "RGBA":
        band = band.convert("RGBA")  # Pillow converts to RGBa from RGBA only
    return band if band.mode == mode else band.convert(mode)


def _encode(image: Image.Image) -> ContentFile:
    if image.mode == "RGBa":
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=82, method=4)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.webp")


class PosterField(forms.FileField):
    """A file field whose cleaned value is a processed Poster (or None)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None or upload is False or upload == initial:
            return upload
        return process(upload)
