from django.urls import path

from .views import messages, organize

app_name = "organize"

urlpatterns = [
    path("", organize.DashboardView.as_view(), name="dashboard"),
    path(
        "events/<slug:slug>/attendees/",
        organize.AttendeeListView.as_view(),
        name="attendees",
    ),
    path(
        "events/<slug:slug>/attendees/export.csv",
        organize.AttendeeExportView.as_view(),
        name="export",
    ),
    path("events/<slug:slug>/messages/", messages.MessagesView.as_view(), name="messages"),
    path(
        "events/<slug:slug>/messages/<int:pk>/cancel/",
        messages.CancelMessageView.as_view(),
        name="cancel-message",
    ),
    path(
        "events/<slug:slug>/emails/send-again/",
        organize.SendAgainView.as_view(),
        name="send-again",
    ),
    path(
        "events/<slug:slug>/attendees/<int:pk>/check-in/",
        organize.CheckInView.as_view(),
        name="check-in",
    ),
]
