"""JSON API: reads, plus registration for a logged-in session with CSRF. Errors are
{"error": code, "detail": text} with the right status. The code is for programs and
stays English; the detail is for people, in the request's language."""

import json

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View, csrf

from . import services, times
from .filters import EventFilter
from .models import Event, Registration, people
from .selectors import Place

DEFAULT_PAGE_SIZE = 12
MAX_PAGE_SIZE = 100


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, **extra):
        detail = str(detail)
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


def error_response(exc: ApiError) -> JsonResponse:
    body = {"error": exc.code, "detail": exc.detail, **exc.extra}
    return JsonResponse(body, status=exc.status)


def event_json(event: Event, request) -> dict:
    def absolute(url):
        return request.build_absolute_uri(url) if url else None

    return {
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "url": absolute(event.get_absolute_url()),
        "category": {"slug": event.category.slug, "name": event.category.name}
        if event.category
        else None,
        "organizer": {"name": event.organizer.display_name},
        # On the event's own clock, with its offset: the same instants as UTC would be.
        "starts_at": times.on_event_clock(event.starts_at, event),
        "ends_at": times.on_event_clock(event.ends_at, event),
        "time_zone": str(event.time_zone),
        "visibility": event.visibility,
        "is_online": event.is_online,
        "venue": event.venue,
        "city": event.city,
        "capacity": event.capacity,
        "seats_taken": event.seats_taken,
        "seats_left": event.seats_left,
        "waitlist_enabled": event.waitlist_enabled,
        "guests_allowed": event.guests_allowed,
        "status": event.status,
        "poster_url": absolute(event.poster.url if event.poster else None),
        "poster_card_url": absolute(event.card_image.url if event.card_image else None),
    }


class ApiView(View):
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return error_response(ApiError(404, "not_found", _("No event matches that address.")))
        except ApiError as exc:
            return error_response(exc)

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = error_response(
            ApiError(
                405,
                "method_not_allowed",
                _("%(method)s is not allowed here.") % {"method": request.method},
            )
        )
        response["Allow"] = ", ".join(m.upper() for m in self._allowed_methods())
        return response


class EventListApi(ApiView):
    """GET /api/events/: the catalogue's filters, paginated with count, next and previous."""

    def get(self, request):
        filterset = EventFilter(data=request.GET, queryset=Event.objects.listed().for_cards())
        if not filterset.is_valid():
            raise ApiError(
                400,
                "invalid_filter",
                _("Some filters are invalid."),
                fields={
                    name: [e["message"] for e in errs]
                    for name, errs in filterset.errors.get_json_data().items()
                },
            )
        paginator = Paginator(filterset.qs, self.page_size(request))
        try:
            page = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            raise ApiError(400, "invalid_page", _("page must be a whole number from 1.")) from None
        except EmptyPage:
            pages = paginator.num_pages
            there_are = ngettext("There is %(count)s page.", "There are %(count)s pages.", pages)
            raise ApiError(404, "page_not_found", there_are % {"count": pages}) from None
        return JsonResponse(
            {
                "count": paginator.count,
                "next": self.page_url(request, page.next_page_number())
                if page.has_next()
                else None,
                "previous": self.page_url(request, page.previous_page_number())
                if page.has_previous()
                else None,
                "results": [event_json(event, request) for event in page.object_list],
            }
        )

    @staticmethod
    def page_size(request) -> int:
        raw = request.GET.get("page_size", DEFAULT_PAGE_SIZE)
        try:
            size = int(raw)
        except (TypeError, ValueError):
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ApiError(
                400,
                "invalid_page_size",
                _("page_size must be from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE},
            )
        return size

    @staticmethod
    def page_url(request, number: int) -> str:
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class EventDetailApi(ApiView):
    """GET /api/events/<slug>/."""

    def get(self, request, slug):
        queryset = Event.objects.visible_to(request.user).for_cards()
        return JsonResponse(event_json(get_object_or_404(queryset, slug=slug), request))


def availability_json(event: Event) -> dict:
    """Seats count people: a registration with two guests takes three."""
    waitlisted = Q(status=Registration.Status.WAITLISTED)
    waiting = event.registrations.aggregate(
        parties=Count("pk", filter=waitlisted), people=people(waitlisted)
    )
    return {
        "capacity": event.capacity,
        "seats_taken": event.seats_taken,
        "seats_left": event.seats_left,
        "waitlist_length": waiting["parties"],
        "waitlist_people": waiting["people"],
        "status": event.status,
    }


class EventAvailabilityApi(ApiView):
    """GET /api/events/<slug>/availability/."""

    def get(self, request, slug):
        event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
        return JsonResponse(availability_json(event))


class RegistrationApi(ApiView):
    """POST registers the session's user (with an optional JSON body of guests and
    guest_names), PATCH changes the guests, DELETE cancels. Session auth with CSRF."""

    http_method_names = ["post", "patch", "delete", "options"]
    FIELDS = frozenset({"guests", "guest_names", "answers"})

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("POST", "PATCH", "DELETE") and not request.user.is_authenticated:
            return error_response(ApiError(401, "not_authenticated", _("Log in to register.")))
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, slug):
        event, body = self.event(request, slug), self.json_body(request)
        place = self.perform(services.register, event, **body)
        # Created with a seat; accepted onto the waitlist; a request, which holds nothing yet.
        status = 201 if place.is_confirmed else 202 if place.is_waitlisted else 200
        return JsonResponse(self.body(place), status=status)

    def patch(self, request, slug):
        event, body = self.event(request, slug), self.json_body(request)
        if not body:
            raise ApiError(422, "invalid", _("Send the guests, their names or the answers."))
        return JsonResponse(self.body(self.perform(services.change_party, event, **body)))

    def delete(self, request, slug):
        cancelled = self.perform(services.cancel_registration, self.event(request, slug))
        body = self.body(Place(cancelled.registration))
        body["availability"] = availability_json(cancelled.event)
        return JsonResponse(body)

    @staticmethod
    def event(request, slug) -> Event:
        return get_object_or_404(Event.objects.visible_to(request.user), slug=slug)

    def json_body(self, request) -> dict:
        """The request's JSON object; empty when there is none."""
        if request.content_type != "application/json":
            if request.method == "POST" and (request.POST or request.FILES):
                raise ApiError(415, "unsupported_media_type", _("Send the body as JSON."))
            return {}
        if not request.body.strip():
            return {}
        try:
            body = json.loads(request.body)
        # ValueError: a number of more than 4,300 digits; RecursionError: deep nesting.
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ApiError(400, "invalid_json", _("The body isn't valid JSON.")) from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", _("Send a JSON object."))
        if unknown := sorted(set(body) - self.FIELDS):
            raise ApiError(
                422,
                "invalid",
                _("Some fields aren't known here."),
                fields={name: [_("Unknown field.")] for name in unknown},
            )
        return body

    def perform(self, action, event, **fields):
        try:
            return action(user=self.request.user, event=event, **fields)
        except services.InvalidAnswers as exc:
            fields = {f"answers.{pk}": [message] for pk, message in exc.errors.items()}
            raise ApiError(exc.status, exc.code, exc.message, fields=fields) from None
        except services.ServiceError as exc:
            extra = {"fields": {exc.field: [exc.message]}} if exc.field else {}
            raise ApiError(exc.status, exc.code, exc.message, **extra) from None

    @staticmethod
    def body(place: Place) -> dict:
        """The outcome, from what the service returned: the event as committed."""
        registration = place.registration
        return {
            "event": registration.event.slug,
            "status": registration.status,
            "party_size": registration.party_size,
            "guests": registration.guests,
            "guest_names": registration.guest_names,
            "answers": answers_json(registration),
            "waitlist_position": place.position,
            "availability": availability_json(registration.event),
        }


def answers_json(registration) -> dict[str, str]:
    """The answers to the questions asked now, by question id, as stored."""
    if not registration.event.asks_questions:
        return {}
    answers = registration.answers.filter(question__removed_at__isnull=True)
    return {str(question): text for question, text in answers.values_list("question", "text")}


def csrf_failure(request, reason=""):
    """JSON for the API, the friendly page for everything else."""
    if request.path.startswith("/api/"):
        return error_response(
            ApiError(403, "csrf_failed", _("Send the CSRF token in the X-CSRFToken header."))
        )
    return csrf.csrf_failure(request, reason=reason, template_name="403_csrf.html")
