from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from .. import standins
from ..models import Event


class HtmxPartialMixin:
    """Render the page's declared partial for htmx requests, the full page otherwise.

    A boosted request or a history restore gets the full page: htmx swaps it into
    <body>. The browser never names the partial; only `partial_name` is ever used.
    """

    partial_name: str | None = None

    def wants_partial(self) -> bool:
        htmx = self.request.htmx
        return bool(htmx) and not htmx.boosted and not htmx.history_restore_request

    def get_template_names(self) -> list[str]:
        names = super().get_template_names()
        if self.partial_name and self.wants_partial():
            return [f"{name}#{self.partial_name}" for name in names]
        return names


class SharedCopyMixin:
    """A page that signed-in visitors share (see events.standins): render_shared(context)
    renders it, with `marks` set while it renders the copy, which is no one's."""

    marks: standins.Marks | None = None

    def render_standin(self) -> tuple[str, bool]:
        self.marks = standins.Marks()
        html, keep = self.render_shared(self.marks.context())
        return self.marks.stored(html), keep


class PrivateMixin:
    """A page with personal data: no browser or proxy may keep a copy
    (Cache-Control: private, no-store)."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class OrganizerEventMixin(PrivateMixin):
    """Resolve the URL's event for its organizer or staff only.

    Anyone else, signed in or not, gets 404 for a draft (it does not exist for them)
    and 403 for any other event, on every method, before the view does anything.
    """

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(
            Event.objects.select_related("category", "organizer"), slug=kwargs["slug"]
        )
        if not self.event.can_be_managed_by(request.user):
            if self.event.is_draft:
                raise Http404("No event found.")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.event


class ClampedPaginationMixin:
    """page=abc shows the first page and page=99999 the last, instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


def back_to(request, fallback: str, data=None) -> HttpResponseRedirect:
    """Redirect to the `next` field of `data` (the POST by default) when it is on this
    site (over HTTPS when this request is), else to `fallback`: the same rule as
    Django's login view."""
    back = (request.POST if data is None else data).get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, {request.get_host()}, require_https=request.is_secure()
    )
    if not safe:
        back = fallback
    return HttpResponseRedirect(back)
