from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView
from django.views.static import serve

from accounts.views import LanguageView
from events.urls import api_urlpatterns
from events.views.calendar import CalendarFeedSettingsView, CalendarFeedView
from events.views.catalogue import EventListView
from events.views.registration import MyRegistrationsView

urlpatterns = [
    path("", EventListView.as_view(), name="home"),
    path("events/", include("events.urls")),
    path("organize/", include("events.organize_urls")),
    path("me/registrations/", MyRegistrationsView.as_view(), name="my-registrations"),
    path("me/calendar/", CalendarFeedSettingsView.as_view(), name="calendar-feed-settings"),
    path("calendar/<str:token>.ics", CalendarFeedView.as_view(), name="calendar-feed"),
    path("api/", include((api_urlpatterns, "api"))),
    path("accounts/", include("accounts.urls")),
    path("language/<str:code>/", LanguageView.as_view(), name="language"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("admin/", admin.site.urls),
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True),
    ),
]

# A database that can't answer right now (a lock wait ran out, a restart) is a 503.
handler500 = "unavailable.server_error"

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

if settings.DEBUG_TOOLBAR:
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()
