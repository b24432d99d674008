"""/organize/events/<slug>/messages/: write to attendees, preview, send or schedule,
and the history of what went out."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView

from .. import selectors, services
from ..message_form import MessageForm
from ..message_models import Message
from ..services import messages as message_service
from ..times import moment
from .mixins import HtmxPartialMixin, OrganizerEventMixin

TEMPLATE = "organize/messages.html"


class MessagesView(OrganizerEventMixin, HtmxPartialMixin, FormView):
    """One page: the form (with a preview of the email) and the history. htmx swaps the
    composer in place; without JavaScript, Preview shows the page again and Send
    redirects back with a message."""

    template_name = TEMPLATE
    partial_name = "composer"
    form_class = MessageForm

    @cached_property
    def counts(self) -> dict[str, int]:
        return selectors.audience_counts(self.event)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event, "counts": self.counts}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            event=self.event,
            history=selectors.message_history(self.event),
            counts=self.counts,
            **kwargs,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        spec = form.spec()
        if "preview" in self.request.POST:
            return self.render_to_response(
                self.get_context_data(form=form, preview=self.preview(spec))
            )
        try:
            message = message_service.write_message(
                event=self.event, author=self.request.user, spec=spec
            )
        except services.InvalidChange as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            # htmx swaps a 422 into the page (base.html) but only toasts a 429's status,
            # so a refusal by the limits reaches htmx as a 422, with the reason in the form.
            status = 422 if self.request.htmx else exc.status
            return self.render_to_response(self.get_context_data(form=form), status=status)
        messages.success(self.request, self.done_message(message))
        if not self.request.htmx:
            return redirect(self.request.path)
        # A fresh form, and the history with the new message, in place.
        return self.render_to_response(
            self.get_context_data(form=self.get_form_class()(**self.fresh_form_kwargs()))
            | {"oob_history": True}
        )

    def fresh_form_kwargs(self) -> dict:
        return {"event": self.event, "counts": selectors.audience_counts(self.event)}

    def preview(self, spec) -> dict:
        count = self.counts[spec.audience]
        return {
            "subject": spec.subject,
            "body": spec.body,
            "recipients": ngettext(
                "It goes to %(count)s person now.", "It goes to %(count)s people now.", count
            )
            % {"count": count},
        }

    def done_message(self, message: Message) -> str:
        if message.send_at > message.created_at:
            return _("Scheduled for %(time)s.") % {
                "time": moment(message.send_at, self.event.time_zone)
            }
        return _("Your message is on its way.")


class CancelMessageView(OrganizerEventMixin, View):
    """POST: stop a scheduled message before it goes out."""

    http_method_names = ["post"]

    def post(self, request, slug, pk):
        message = get_object_or_404(self.event.messages, pk=pk)
        if message_service.cancel_message(message=message):
            messages.success(request, _("The message won't be sent."))
        else:
            messages.error(request, _("This message has gone out already."))
        if not request.htmx:
            return redirect("organize:messages", slug=self.event.slug)
        context = {"event": self.event, "history": selectors.message_history(self.event)}
        return TemplateResponse(request, f"{TEMPLATE}#history", context)
