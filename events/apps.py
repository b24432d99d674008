from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = gettext_lazy("Events")

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the checks and receivers)
