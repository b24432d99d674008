from django.urls import path

from . import api
from .views import catalogue, registration

app_name = "events"

urlpatterns = [
    path("", catalogue.EventListView.as_view(), name="list"),
    path("new/", catalogue.EventCreateView.as_view(), name="create"),
    path("<slug:slug>/", catalogue.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/register/", registration.RegisterView.as_view(), name="register"),
    path("<slug:slug>/cancel/", registration.CancelRegistrationView.as_view(), name="cancel"),
]

api_urlpatterns = [
    path("events/", api.EventListApi.as_view(), name="list"),
    path("events/<slug:slug>/", api.EventDetailApi.as_view(), name="detail"),
    path(
        "events/<slug:slug>/availability/",
        api.EventAvailabilityApi.as_view(),
        name="availability",
    ),
    path("events/<slug:slug>/registration/", api.RegistrationApi.as_view(), name="registration"),
]
