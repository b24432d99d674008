from django.utils.cache import patch_vary_headers


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

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response
