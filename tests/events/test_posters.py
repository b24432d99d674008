"""Poster uploads: which images become posters, how they look, and what they cost to process."""

import io
import json
import subprocess
import sys
import textwrap
import time

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile

from events import posters
from tests.images import image_upload, mpo_upload, solid_png

WEBP_MAX_SIDE = 16383
TALL = (1024, 16384)  # over WebP's side limit, at the steepest shape a poster may have
RED = (220, 38, 38)
GREEN = (22, 163, 74)
BLUE = (37, 99, 235)


def opened(content):
    image = Image.open(content)
    image.load()
    return image


def assert_colour(pixel, expected, tolerance=6):
    assert len(pixel) == len(expected)
    assert all(abs(got - want) <= tolerance for got, want in zip(pixel, expected, strict=True)), (
        f"{pixel} is not {expected}"
    )


def refusal(upload):
    with pytest.raises(forms.ValidationError) as refused:
        posters.process(upload)
    return " ".join(refused.value.messages)


def test_a_phone_mpo_becomes_a_poster_of_its_first_picture_turned_upright():
    # Stored sideways, as a phone held upright saves it: the left edge is the top of the scene.
    first = Image.new("RGB", (2400, 1600), RED)
    first.paste(GREEN, (1200, 0, 2400, 1600))
    second = Image.new("RGB", (2400, 1600), BLUE)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    poster = posters.process(mpo_upload(first, second, exif=exif))
    full, card = opened(poster.full), opened(poster.card)
    assert full.size == (1600, 2400)
    assert card.size == (800, 1200)
    assert_colour(full.getpixel((800, 600)), RED)
    assert_colour(full.getpixel((800, 1800)), GREEN)
    assert_colour(card.getpixel((400, 300)), RED)


def test_a_very_tall_png_is_shrunk_to_fit_instead_of_refused():
    upload = image_upload("long.png", size=TALL, fmt="PNG", mode="L", color=128)
    poster = posters.process(upload)
    full, card = opened(poster.full), opened(poster.card)
    for image in (full, card):
        assert max(image.size) <= WEBP_MAX_SIDE
        assert image.width / image.height == pytest.approx(TALL[0] / TALL[1], rel=0.02)
        assert_colour(image.getpixel((image.width // 2, image.height // 2)), (128, 128, 128))
    assert card.height < full.height


def test_a_mid_grey_16_bit_png_stays_mid_grey():
    upload = image_upload("scan.png", size=(1200, 900), fmt="PNG", mode="I;16", color=32768)
    poster = posters.process(upload)
    assert_colour(opened(poster.full).getpixel((600, 450)), (128, 128, 128), tolerance=1)
    assert_colour(opened(poster.card).getpixel((300, 225)), (128, 128, 128), tolerance=1)


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        pytest.param(
            lambda: image_upload("p.jpg", TALL, "JPEG", "CMYK", (0, 255, 255, 0)),
            (255, 0, 0),
            id="CMYK JPEG",
        ),
        pytest.param(
            lambda: image_upload("p.png", TALL, "PNG", "I;16", 20000),
            (78, 78, 78),  # 20000 of 65535 is 78 of 255
            id="16-bit greyscale",
        ),
    ],
)
def test_tall_images_of_each_colour_type_keep_their_colours(upload, expected):
    full = opened(posters.process(upload()).full)
    assert max(full.size) <= WEBP_MAX_SIDE
    assert_colour(full.getpixel((full.width // 2, full.height // 2)), expected)


def test_a_tall_palette_png_keeps_its_transparency():
    image = Image.new("P", TALL, 1)
    image.putpalette([0, 0, 0, *RED])
    image.paste(0, (0, 0, TALL[0], TALL[1] // 2))
    upload = SimpleUploadedFile("p.png", encoded(image, "PNG", transparency=0), "image/png")
    full = opened(posters.process(upload).full)
    assert full.mode == "RGBA"
    assert full.getpixel((full.width // 2, full.height // 10))[3] == 0
    assert_colour(full.getpixel((full.width // 2, full.height * 9 // 10)), (*RED, 255))


def test_greyscale_with_alpha_keeps_its_grey_and_its_alpha():
    # The old code got this right as well; it guards the conversion done a band at a time.
    poster = posters.process(image_upload("p.png", (3300, 2000), "PNG", "LA", (100, 128)))
    assert_colour(opened(poster.full).getpixel((800, 500)), (100, 100, 100, 128))


MEASURE = textwrap.dedent(
    """
    import json, sys, time

    import django
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.configure(VAR_DIR=sys.argv[2], POSTER_SLOTS=1)
    django.setup()
    from events import posters
    from tests.images import image_upload

    def kilobytes(field):
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field))

    posters.process(image_upload())  # a worker has its codecs loaded already
    upload = SimpleUploadedFile("largest.png", open(sys.argv[1], "rb").read())
    # Restart the peak (VmHWM) from the current RSS. ru_maxrss would do, but it starts at the
    # RSS of the pytest process this one was forked from.
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    before = kilobytes("VmRSS:")
    start = time.process_time()
    posters.process(upload)
    seconds = time.process_time() - start
    print(json.dumps({"seconds": seconds, "extra_mb": (kilobytes("VmHWM:") - before) / 1024}))
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="reads the peak RSS from /proc")
def test_the_largest_accepted_png_takes_under_a_second_and_150_mb(tmp_path):
    # A 1600 x 20000 screenshot, 32 megapixels of RGBA: the most decoded bytes a PNG may cost,
    # with alpha to premultiply, and too tall for WebP until it is shrunk.
    path = tmp_path / "largest.png"
    path.write_bytes(solid_png("largest.png", (1600, 20000), (79, 70, 229, 200)).read())
    # A fresh interpreter, timed in CPU seconds so other work on the machine counts less. Peak
    # RSS sees Pillow's C allocations, which tracemalloc can't.
    child = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(tmp_path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    cost = json.loads(child.stdout)
    assert cost["seconds"] < 1
    assert cost["extra_mb"] < 150


def test_a_png_just_over_the_limit_is_refused_before_decoding(monkeypatch):
    upload = solid_png("big.png", (1700, 20000), (79, 70, 229, 255))
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda image: decoded.append(image) or load(image)
    )
    start = time.process_time()
    message = refusal(upload)
    assert time.process_time() - start < 0.25
    assert not decoded
    assert "1700×20000 pixels (34.0 megapixels)" in message
    assert "can have at most 32.5 megapixels" in message


def test_a_progressive_jpeg_is_refused_at_fewer_pixels_than_a_baseline_one():
    size = (4900, 3300)  # 16.2 megapixels, full-resolution chroma
    progressive = image_upload("p.jpg", size, subsampling=0, progressive=True)
    assert "a progressive JPEG poster like this one can have at most 16 megapixels" in refusal(
        progressive
    )
    assert posters.process(image_upload("b.jpg", size, subsampling=0)).full


@pytest.mark.parametrize(
    ("size", "shape"),
    [((100, 1700), "as tall as it is wide"), ((1700, 100), "as wide as it is tall")],
)
def test_a_strip_is_not_a_poster(size, shape):
    message = refusal(image_upload("strip.png", size, "PNG"))
    assert f"This image is {size[0]}×{size[1]} pixels" in message
    assert f"at most 16 times {shape}" in message


def test_a_webp_is_limited_by_what_it_costs_to_decode():
    message = refusal(image_upload("big.webp", (3000, 2001), "WEBP"))
    assert "a WebP poster can have at most 6 megapixels" in message


def test_one_machine_decodes_posters_one_at_a_time_and_asks_the_rest_to_retry(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.POSTER_SLOTS = 1
    with posters.decoding_slot():
        message = refusal(image_upload())
    assert "Many posters are being processed right now" in message
    assert posters.process(image_upload()).full  # free again
    settings.POSTER_SLOTS = 2
    with posters.decoding_slot():
        assert posters.process(image_upload()).full
