"""Pages that signed links in emails open: they act only after a confirming POST."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from .. import links, selectors, services
from ..models import ACTIVE
from .mixins import PrivateMixin


class CantMakeItView(PrivateMixin, View):
    """ "Can't make it?" from an email: shows the registration and one button, which
    cancels it as Cancel does in the app, without signing in. GET changes nothing,
    so a mail scanner that follows the link cancels nobody."""

    template_name = "events/cant_make_it.html"

    def get(self, request, token):
        try:
            registration = links.registration_for(token)
        except links.BadLink:
            return self.render(status=400)
        return self.render(registration)

    def post(self, request, token):
        try:
            registration = links.registration_for(token)
        except links.BadLink:
            return self.render(status=400)
        try:
            services.cancel_registration(
                user=registration.user,
                event=registration.event,
                registration_id=registration.pk,
            )
        except services.NotRegistered:
            pass  # a second click, or cancelled in the app meanwhile: the page says so
        except services.RegistrationClosed:
            return self.render(registration)
        else:
            messages.success(request, self.done_message(registration))
        return redirect(request.path)

    def done_message(self, registration) -> str:
        if registration.is_pending:
            return _("Your request is withdrawn.")
        if registration.is_waitlisted:
            return _("You've left the waitlist.")
        return _("Your registration is cancelled, and your seat is free for someone else.")

    def render(self, registration=None, status=200):
        event = registration.event if registration else None
        closed = event.leaving_closed if event else None
        if registration and closed and registration.status in ACTIVE:
            status = 410  # the link ended when the event started, or was cancelled
        # An old link, of someone who registered again: the page says where the new one is.
        current = (
            selectors.place(registration.user, event)
            if registration and registration.status not in ACTIVE
            else None
        )
        context = {
            "registration": registration,
            "event": event,
            "closed": closed,
            "active": ACTIVE,
            "current": current,
        }
        # The site's Referrer-Policy (same-origin) keeps the link, a key, from other
        # sites; "no-referrer" would make the confirming POST's Origin null to CSRF.
        return TemplateResponse(self.request, self.template_name, context, status=status)
