"""The ceiling: the fastest page Django can serve on this machine right now.

One view returning a short HttpResponse, no middleware, no apps, no database,
served by the same gunicorn settings as EMS. Every EMS target is reported as a
ratio to it, measured in the same run, so a busy or slow machine cancels out.

    DJANGO_SETTINGS_MODULE=bench.ceiling gunicorn bench.ceiling:application
"""

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "ceiling-benchmark-only"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
MIDDLEWARE = []
INSTALLED_APPS = []
DATABASES = {}
USE_TZ = True


def ceiling(request):
    return HttpResponse("Hello from the ceiling.")


urlpatterns = [path("", ceiling)]

application = get_wsgi_application()
