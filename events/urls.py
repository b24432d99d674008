from django.urls import path

from . import api
from .views import calendar, catalogue, editing, links, questions, registration

app_name = "events"

urlpatterns = [
    path("", catalogue.EventListView.as_view(), name="list"),
    path("new/", catalogue.EventCreateView.as_view(), name="create"),
    path("cant-make-it/<str:token>/", links.CantMakeItView.as_view(), name="cant-make-it"),
    path("<slug:slug>/", catalogue.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/calendar.ics", calendar.EventCalendarView.as_view(), name="calendar"),
    path("<slug:slug>/register/", registration.RegisterView.as_view(), name="register"),
    path(
        "<slug:slug>/my-registration/",
        registration.EditRegistrationView.as_view(),
        name="edit-registration",
    ),
    path("<slug:slug>/cancel/", registration.CancelRegistrationView.as_view(), name="cancel"),
    path("<slug:slug>/edit/", editing.EventUpdateView.as_view(), name="edit"),
    path(
        "<slug:slug>/edit/<slug:section>/",
        editing.EventSectionView.as_view(),
        name="edit-section",
    ),
    path(
        "<slug:slug>/sections/<slug:section>/",
        editing.EventSectionView.as_view(editing=False),
        name="section",
    ),
    path("<slug:slug>/questions/", questions.QuestionsView.as_view(), name="questions"),
    path("<slug:slug>/questions/<int:pk>/", questions.QuestionView.as_view(), name="question"),
    path(
        "<slug:slug>/questions/<int:pk>/remove/",
        questions.QuestionView.as_view(action="remove", http_method_names=["post"]),
        name="question-remove",
    ),
    path(
        "<slug:slug>/questions/<int:pk>/move/",
        questions.QuestionView.as_view(action="move", http_method_names=["post"]),
        name="question-move",
    ),
    path("<slug:slug>/publish/", editing.PublishView.as_view(), name="publish"),
    path("<slug:slug>/unpublish/", editing.UnpublishView.as_view(), name="unpublish"),
    path("<slug:slug>/cancel-event/", editing.CancelEventView.as_view(), name="cancel-event"),
    path("<slug:slug>/delete/", editing.DeleteDraftView.as_view(), name="delete"),
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
