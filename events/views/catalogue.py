import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.generic import CreateView, DetailView
from django_filters.views import FilterView
from django_htmx.http import HttpResponseClientRedirect

from .. import services
from ..filters import EventFilter
from ..forms import EventForm
from ..models import Event
from .editing import manage_context
from .mixins import ClampedPaginationMixin, HtmxPartialMixin
from .registration import active_registration, registrations_by_event

CATALOGUE_TTL = 600


def catalogue_cache_key(path: str, partial: bool) -> str:
    # Any change to a listed event bumps its updated_at (seat counts included, see
    # services), and categories touch their events when they change. The minute
    # moves events that end, and date presets like "today", along.
    version = Event.objects.aggregate(version=Max("updated_at"))["version"]
    stamp = version.timestamp() if version else 0
    minute = timezone.now().strftime("%Y%m%d%H%M")
    digest = hashlib.md5(path.encode(), usedforsecurity=False).hexdigest()
    return f"catalogue:{digest}:{stamp}:{minute}:{int(partial)}"


class EventListView(HtmxPartialMixin, ClampedPaginationMixin, FilterView):
    filterset_class = EventFilter
    template_name = "events/event_list.html"
    partial_name = "results"
    paginate_by = 12
    # Invalid filters are shown as errors while the valid ones still apply.
    strict = False

    def get_queryset(self):
        return Event.objects.listed().for_cards()

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so the defaults (upcoming only, soonest first) apply to a bare URL.
        return super().get_filterset_kwargs(filterset_class) | {"data": self.request.GET}

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return super().get(request, *args, **kwargs)
        return self.cached_for_anonymous(request, *args, **kwargs)

    def cached_for_anonymous(self, request, *args, **kwargs):
        """Anonymous visitors all see the same catalogue for a URL, so its content region
        is cached whole, keyed by the URL and the catalogue's version: a hit costs one
        indexed query and renders only the page shell (nonce, CSRF token, navigation)."""
        partial = self.wants_partial()
        names = ["results"] if partial else ["catalogue", "explore"]
        key = catalogue_cache_key(request.get_full_path(), partial)
        cached = cache.get(key)
        if cached is None:
            context = super().get(request, *args, **kwargs).context_data
            cached = {
                name: render_to_string(f"{self.template_name}#{name}", context, request)
                for name in names
            }
            cache.set(key, cached, CATALOGUE_TTL)
        if partial:
            response = HttpResponse(cached["results"])
        else:
            response = TemplateResponse(
                request, "events/event_list_cached.html", {"cached": cached}
            )
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = context["page_obj"].object_list = list(context["page_obj"].object_list)
        mine = registrations_by_event(self.request.user, events)
        for event in events:
            event.my_registration = mine.get(event.pk)
        return context


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).for_cards()

    def get_context_data(self, **kwargs):
        user = self.request.user
        registration = active_registration(user, self.object)
        context = super().get_context_data(registration=registration, **kwargs)
        return context | manage_context(user, self.object)


class EventCreateView(LoginRequiredMixin, HtmxPartialMixin, CreateView):
    form_class = EventForm
    template_name = "events/event_form.html"
    partial_name = "event-form"

    def form_valid(self, form):
        publish = "publish" in self.request.POST
        self.object = services.create_event(
            organizer=self.request.user,
            event=form.save(commit=False),
            poster=form.cleaned_data.get("poster"),
            publish=publish,
        )
        messages.success(
            self.request,
            "Your event is published."
            if publish
            else "Your draft is saved. Publish it when ready.",
        )
        url = self.object.get_absolute_url()
        return HttpResponseClientRedirect(url) if self.request.htmx else redirect(url)
