from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView
from django_filters.views import FilterView
from django_htmx.http import HttpResponseClientRedirect

from .. import page_cache, rules, selectors, services, standins
from ..filters import EventFilter
from ..forms import EventForm
from ..models import Event
from ..sections import SECTIONS
from .mixins import ClampedPaginationMixin, HtmxPartialMixin, SharedCopyMixin


class EventListView(SharedCopyMixin, HtmxPartialMixin, ClampedPaginationMixin, FilterView):
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

    card_action = "events/event_list.html#card-action"

    def get(self, request, *args, **kwargs):
        if page_cache.shareable(request):
            # Anonymous visitors share the page, or the htmx partial, per address and
            # catalogue version: a hit costs one indexed query and no rendering.
            url = page_cache.share(request, self.params_given())
            key = page_cache.catalogue_key(request, url, self.wants_partial())
            return page_cache.shared_page(request, key, self.render_shared)
        if not page_cache.signed_in(request):
            return super().get(request, *args, **kwargs)
        # Signed-in visitors share a copy too, and get their own places on its cards.
        url = page_cache.share(request, self.params_given())
        key = page_cache.catalogue_key(request, url, self.wants_partial(), signed_in=True)
        copy = page_cache.cached(key, self.render_standin)
        events = [int(pk) for pk in standins.regions(copy, "card")]
        held = selectors.held(request.user, events)

        def own(name, pk):
            if name == "card" and (place := held.get(int(pk))):
                # With a place, a card's action reads only the event's id and the place's
                # state (and building an Event for it would cost more than rendering it).
                key = f"card:{pk}:{place.status}:{place.position}"
                context = {"event": {"pk": pk}, "place": place.place()}
                return standins.region(request, copy, key, self.card_action, **context)
            return None

        return standins.serve(request, copy, own)

    def render_shared(self, shared: dict) -> tuple[str, bool]:
        response = super().get(self.request, *self.args, **self.kwargs)
        response.context_data |= shared
        html = response.render().content.decode()
        # Kept only if the page is the one its address names, so made-up values (an
        # unknown category, page 99999, seats=xyz) can't each store a page.
        read = self.params_read(response.context_data["page_obj"])
        return html, self.filterset.is_valid() and read == self.request.GET.dict()

    def params_given(self) -> dict[str, str]:
        """The parameters the page reads, as given, in the filter form's order and then the
        page number: the last of repeated values (as forms read them), leaving out empty
        ones and page 1."""
        query = self.request.GET
        params = {
            name: value for name in self.filterset_class.base_filters if (value := query.get(name))
        }
        try:
            page = int(query.get(self.page_kwarg) or 1)
        except ValueError:
            page = 1  # The paginator shows the first page for it.
        if page != 1:
            params[self.page_kwarg] = str(page)
        return params

    def params_read(self, page) -> dict[str, str]:
        """The parameters as the filter form and the paginator read them: a checkbox is
        on or absent, and a page out of range is the last."""
        params = {}
        for field in self.filterset.form:
            value = "on" if field.data is True else field.data
            if value:
                params[field.name] = value
        if page.number != 1:
            params[self.page_kwarg] = str(page.number)
        return params

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["page_obj"].object_list)
        places = {} if self.marks else selectors.places(self.request.user, events)
        # Each card with the visitor's place at its event, if any.
        context["cards"] = [(event, places.get(event.pk)) for event in events]
        return context


class EventDetailView(SharedCopyMixin, DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).for_cards()

    panel = "events/event_detail.html#registration-panel"

    def get(self, request, *args, **kwargs):
        shareable, signed_in = page_cache.shareable(request), page_cache.signed_in(request)
        # The page reads no parameter, so its address is its path. No version: the 404.
        version = (shareable or signed_in) and page_cache.event_version(kwargs["slug"])
        # Whoever runs the event sees its edit controls: a page of their own.
        if not version or (signed_in and rules.manages(request.user, version.organizer_id)):
            return super().get(request, *args, **kwargs)
        url = page_cache.share(request, {})
        if shareable:
            # Anonymous visitors share one page per event version: see page_cache.
            key = page_cache.detail_key(request, version, url)
            return page_cache.shared_page(request, key, self.render_shared)
        # Signed-in visitors share a copy too, with their own registration panel.
        key = page_cache.detail_key(request, version, url, signed_in=True)
        copy = page_cache.cached(key, self.render_standin)
        held = selectors.held(request.user, [version.event_id]).get(version.event_id)

        def own(name, arg):
            if name == "panel" and held:
                # Guest names change with updated_at. The registration and the event are
                # loaded only if the panel isn't kept (or this request rendered the copy).
                key = f"panel:{held.status}:{held.position}:{held.party_size}:{held.updated_at}"
                context = {
                    "event": getattr(self, "object", None) or SimpleLazyObject(self.get_object),
                    "place": SimpleLazyObject(held.loaded),
                }
                return standins.region(request, copy, key, self.panel, **context)
            return None

        return standins.serve(request, copy, own)

    def render_shared(self, shared: dict) -> tuple[str, bool]:
        self.object = self.get_object()
        context = self.get_context_data(object=self.object) | shared
        return render_to_string(self.template_name, context, self.request), True

    def get_context_data(self, **kwargs):
        user = self.request.user
        # The shared signed-in copy is no one's: no place, and nothing to manage.
        place = None if self.marks else selectors.place(user, self.object)
        context = super().get_context_data(place=place, sections=SECTIONS, **kwargs)
        context |= {"can_edit": False} if self.marks else selectors.management(user, self.object)
        if context["can_edit"]:
            context["questions"] = list(self.object.questions.asked())
        return context


class EventCreateView(LoginRequiredMixin, HtmxPartialMixin, CreateView):
    form_class = EventForm
    template_name = "events/event_form.html"
    partial_name = "event-form"

    def get_initial(self):
        zone = selectors.new_event_zone(self.request.user, self.request.viewer_zone)
        return {"time_zone": str(zone)}

    @property
    def publishing(self) -> bool:
        """Publish now needs every field; Save as draft, the title only. The blank form
        marks what publishing will need."""
        return self.request.method != "POST" or "publish" in self.request.POST

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"draft": not self.publishing}

    def form_valid(self, form):
        publish = self.publishing
        try:
            self.object = services.create_event(
                organizer=self.request.user,
                event=form.save(commit=False),
                poster=form.cleaned_data.get("poster"),
                publish=publish,
            )
        except services.EmailNotConfirmed as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your event is published.")
            if publish
            else _("Your draft is saved. Publish it when ready."),
        )
        url = self.object.get_absolute_url()
        return HttpResponseClientRedirect(url) if self.request.htmx else redirect(url)
