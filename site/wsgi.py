"""WSGI entry point, served as: gunicorn --pythonpath site wsgi:application."""

import os
import sys
from pathlib import Path

# site/ is not a package (the stdlib `site` module shadows it): put it and the apps on the path.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
