"""Video of failing browser tests (--video) needs Playwright's own ffmpeg build, a
download this machine can't reach. Debian's ffmpeg encodes the same VP8 WebM, so it
is linked where Playwright looks for its build (`make test` installs it as root)."""

import contextlib
import json
import os
import shutil
from pathlib import Path

import playwright

MISSING = "Playwright has no ffmpeg of its own and there's none to link: apt-get install ffmpeg"


def expected() -> Path:
    """Where this Playwright looks: <browsers path>/ffmpeg-<revision>/ffmpeg-linux."""
    package = Path(playwright.__file__).parent / "driver" / "package"
    browsers = json.loads((package / "browsers.json").read_text())["browsers"]
    revision = next(b["revision"] for b in browsers if b["name"] == "ffmpeg")
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright"
    return Path(root) / f"ffmpeg-{revision}" / "ffmpeg-linux"


def ready() -> bool:
    """Whether Playwright finds an ffmpeg, linking the system's if it has none."""
    path = expected()
    if path.exists():
        return True
    system = shutil.which("ffmpeg")
    if system is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a dangling link from a removed ffmpeg
    with contextlib.suppress(FileExistsError):  # another test worker was first
        path.symlink_to(system)
    return True
