from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.hashers import make_password
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, TemplateView, UpdateView

from events import intents
from events.views.mixins import back_to
from events.views.registration import finish_intent

from . import confirmation, throttle
from .forms import LoginForm, PasswordResetForm, ProfileForm, SignUpForm

User = get_user_model()


# Where the sign-up page's answer and the confirmation link take the person next.
SIGNUP_EMAIL = "accounts:signup-email"
AFTER_CONFIRM = "accounts:after-confirm"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# A sign-up's Register click (events.intents), kept until the address is confirmed.
SIGNUP_INTENT = "accounts:signup-intent"


class IntentMixin:
    """The Register click a visitor came from (events.intents): named on the login and
    sign-up pages, and carried between them with `next`."""

    def intent(self) -> tuple[str, object]:
        """The intent's token and its event, or ("", None) if there is no valid one."""
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        value = data.get(intents.PARAM, "")
        event = intents.event_for(value)
        return (value, event) if event else ("", None)

    def get_context_data(self, **kwargs):
        value, event = self.intent()
        query = {"next": self.get_redirect_url(), intents.PARAM: value}
        return super().get_context_data(
            intent=value,
            intent_event=event,
            auth_query=urlencode({name: v for name, v in query.items() if v}, safe="/"),
            **kwargs,
        )


class SignUpView(IntentMixin, auth_views.RedirectURLMixin, CreateView):
    """A new address gets an account and a link to confirm it; an address that has one
    gets an email saying so. The visitor sees the same page, after the same work, either
    way, so sign-up never tells whether an address has an account."""

    form_class = SignUpForm
    template_name = "accounts/signup.html"
    next_page = settings.LOGIN_REDIRECT_URL

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            try:
                # The confirmation email, and every one after it, speak the language
                # the visitor signed up in.
                form.instance.language = translation.get_language()
                with transaction.atomic():
                    confirmation.send_link(form.save())
            except IntegrityError:  # the same address signed up a moment ago
                existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            make_password(form.cleaned_data["password1"])  # the hash a new account costs
            confirmation.signed_up_again(existing)
        self.request.session[SIGNUP_EMAIL] = email
        self.request.session[AFTER_CONFIRM] = self.get_success_url()
        self.request.session[SIGNUP_INTENT] = {"email": email, "token": self.intent()[0]}
        return redirect("accounts:signup_sent")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.get_redirect_url(), **kwargs)


class SignUpSentView(TemplateView):
    template_name = "accounts/signup_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.request.session.get(SIGNUP_EMAIL), **kwargs)


class ConfirmEmailView(TemplateView):
    """GET shows what the link confirms; only the POST acts, so a mail scanner that
    follows links changes nothing. Confirming signs the person in: they hold the mailbox."""

    template_name = "accounts/confirm_email.html"

    def get(self, request, token):
        try:
            email = confirmation.read(token)["email"]
        except confirmation.LinkInvalid as exc:
            return self.render_to_response({"error": exc.message}, status=400)
        return self.render_to_response({"email": email})

    def post(self, request, token):
        try:
            user = confirmation.confirm(token)
        except confirmation.LinkInvalid as exc:
            return self.render_to_response({"error": exc.message}, status=400)
        after = request.session.get(AFTER_CONFIRM) or settings.LOGIN_REDIRECT_URL
        # Only for the account that signed up in this browser, not whichever confirms next.
        intent = request.session.pop(SIGNUP_INTENT, None) or {}
        mine = intent.get("email", "").lower() == user.email.lower()
        event = intents.event_for(intent.get("token")) if mine else None
        login(request, user, backend=MODEL_BACKEND)
        messages.success(
            request,
            _("Your email address is confirmed. Welcome, %(name)s!") % {"name": user.display_name},
        )
        response = redirect(finish_intent(request, event) if event else after)
        throttle.remember_browser(response, user.email)
        return response


class SendConfirmationView(LoginRequiredMixin, View):
    """POST: send the confirmation link again, a few times an hour at most."""

    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        if user.is_verified:
            messages.info(request, _("Your email address is confirmed already."))
        elif seconds := throttle.blocked(throttle.CONFIRMATION, request, user.email):
            messages.error(request, throttle.wait_message(seconds))
        else:
            throttle.count(throttle.CONFIRMATION, request, user.email)
            confirmation.send_link(user)
            messages.success(request, _("We sent a new link to %(email)s.") % {"email": user.email})
        return back_to(request, reverse("accounts:profile"))


class LoginView(IntentMixin, auth_views.LoginView):
    authentication_form = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        messages.success(self.request, _("Welcome back, %(name)s.") % {"name": user.display_name})
        if event := self.intent()[1]:
            response = redirect(finish_intent(self.request, event))
        # This browser may sign in to this account even while someone else's guesses
        # have it throttled (accounts.throttle).
        throttle.remember_browser(response, user.email)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You're logged out. See you soon!"))
        return response


@method_decorator(never_cache, name="dispatch")
class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}

    def form_valid(self, form):
        user = form.save()
        if new_email := form.new_email():
            confirmation.change_email(user, new_email)
            message = _(
                "We sent a link to %(new)s. Until you open it, you sign in with %(current)s, "
                "and we told that address about the change."
            )
            messages.info(self.request, message % {"new": new_email, "current": user.email})
        else:
            messages.success(self.request, _("Your profile is saved."))
        return redirect(self.success_url)


class CancelEmailChangeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        confirmation.cancel_email_change(request.user)
        messages.info(
            request, _("Your email address stays %(email)s.") % {"email": request.user.email}
        )
        return redirect("accounts:profile")


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    success_message = gettext_lazy("Your password is changed.")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class LanguageView(View):
    """/language/de/?next=/events/: speak this language from now on.

    Visitors follow a link (GET): the pages every visitor shares from the cache carry
    no CSRF token to post with, and the choice is only a cookie. Signed-in people post
    from the same footer, which also saves the choice to their profile, so every
    device and every email speaks it; a GET never changes an account.
    """

    def get(self, request, code):
        return self._switch(request, code, request.GET)

    def post(self, request, code):
        response = self._switch(request, code, request.POST)
        user = request.user
        if user.is_authenticated and user.language != code:
            User.objects.filter(pk=user.pk).update(language=code)
        return response

    def _switch(self, request, code, data):
        if code not in dict(settings.LANGUAGES):
            raise Http404("No such language.")
        response = back_to(request, reverse("home"), data)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            secure=request.is_secure(),
            samesite="Lax",
        )
        return response
