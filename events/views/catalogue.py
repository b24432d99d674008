from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.generic import CreateView, DetailView
from django_filters.views import FilterView
from django_htmx.http import HttpResponseClientRedirect

from .. import page_cache, services
from ..filters import EventFilter
from ..forms import EventForm
from ..models import Event
from .editing import manage_context
from .mixins import ClampedPaginationMixin, HtmxPartialMixin
from .registration import active_registration, registrations_by_event


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
        key = page_cache.catalogue_key(request.get_full_path(), partial)
        cached = page_cache.page_cache().get(key)
        if cached is None:
            context = super().get(request, *args, **kwargs).context_data
            cached = {
                name: render_to_string(f"{self.template_name}#{name}", context, request)
                for name in names
            }
            page_cache.page_cache().set(key, cached, page_cache.TTL)
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


# What a cached event page reads from the event itself: its cache key and <head>.
HEAD_FIELDS = [
    "slug",
    "title",
    "description",
    "starts_at",
    "venue",
    "city",
    "is_online",
    "poster",
    "updated_at",
    "seats_taken",
]


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).for_cards()

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return super().get(request, *args, **kwargs)
        # Anonymous visitors share one page per event version: see page_cache. A hit
        # needs only the key's fields and the page head's.
        self.object = self.get_object(Event.objects.listed().only(*HEAD_FIELDS))
        key = page_cache.detail_key(self.object)
        content = page_cache.page_cache().get(key)
        if content is None:
            self.object = self.get_object()
            context = self.get_context_data(object=self.object)
            content = render_to_string(f"{self.template_name}#page", context, request)
            page_cache.page_cache().set(key, content, page_cache.TTL)
        context = {"event": self.object, "object": self.object, "content": content}
        return TemplateResponse(request, "events/event_detail_cached.html", context)

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
