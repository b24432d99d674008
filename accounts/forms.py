from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import outbox, zones
from events.models import EmailDelivery

from . import throttle
from .models import User, normalize_email

DUPLICATE_EMAIL = gettext_lazy(
    "An account with this email already exists. Log in or reset your password."
)
BAD_LOGIN = gettext_lazy("That email and password don't match. Check both and try again.")


class UserFieldsMixin:
    """Name is required, and the email is lowercased and unique whatever its letter case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "name" in self.fields:
            self.fields["name"].required = True

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(DUPLICATE_EMAIL, code="duplicate_email")
        return email


class ProfileForm(forms.ModelForm):
    """Name, and a new email address, which needs the current password and counts only
    once its link is opened (accounts.confirmation)."""

    email = forms.EmailField(
        label=gettext_lazy("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy(
            "The address you sign in with. A new one counts once you open the link we send to it."
        ),
    )
    current_password = forms.CharField(
        label=gettext_lazy("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Needed only to change your email address."),
    )

    time_zone = forms.TypedChoiceField(
        label=gettext_lazy("Your time zone"),
        choices=lambda: [("", _("Your browser's, wherever you are")), *zones.choices()],
        coerce=zones.named,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("Event times are also shown on this clock, on pages and in emails."),
    )

    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=gettext_lazy("For pages on every device, and for emails."),
    )

    field_order = ["name", "email", "current_password", "language", "time_zone"]

    class Meta:
        model = User
        fields = ("name", "language", "time_zone")
        labels = {"name": gettext_lazy("Your name")}
        help_texts = {"name": gettext_lazy("Shown to organizers of events you register for.")}
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["name"].required = True
        self.initial.setdefault("email", self.instance.email)
        if not self.instance.language:
            self.initial["language"] = translation.get_language()

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if email != self.instance.email and others.exists():
            raise forms.ValidationError(DUPLICATE_EMAIL, code="duplicate_email")
        return email

    def new_email(self) -> str | None:
        email = self.cleaned_data.get("email")
        return email if email and email != self.instance.email else None

    def clean(self):
        cleaned = super().clean()
        if not self.new_email():
            return cleaned
        # A stolen session must not become a stolen account: changing the login needs the
        # password, and guessing it here counts like guessing it at the login.
        account = self.instance.email
        if seconds := throttle.blocked(throttle.LOGIN, self.request, account):
            raise forms.ValidationError(throttle.wait_message(seconds), code="throttled")
        if not self.instance.check_password(cleaned.get("current_password") or ""):
            throttle.count(throttle.LOGIN, self.request, account)
            self.add_error("current_password", _("That isn't your current password."))
        return cleaned


class ThrottledFormMixin:
    """Refuses the form once one of `limits` is reached, before any expensive work
    (hashing a password, sending an email); otherwise counts this attempt."""

    limits: tuple[throttle.Limit, ...] = ()

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def check_throttle(self, account: str = "") -> None:
        if seconds := throttle.blocked(self.limits, self.request, account):
            raise forms.ValidationError(throttle.wait_message(seconds), code="throttled")
        throttle.count(self.limits, self.request, account)


class SignUpForm(ThrottledFormMixin, auth_forms.BaseUserCreationForm):
    """Whether or not the address has an account, a valid form gets the same answer
    (accounts.views.SignUpView), so the form never says the address is taken."""

    limits = throttle.SIGNUP

    class Meta:
        model = User
        fields = ("name", "email")
        labels = {"name": gettext_lazy("Your name"), "email": gettext_lazy("Email")}
        help_texts = {"name": gettext_lazy("Shown to organizers of events you register for.")}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def validate_unique(self):
        pass  # the view tells a taken address apart, without telling the visitor

    def validate_constraints(self):
        pass  # the same for the case-insensitive unique constraint on the address

    def clean(self):
        self.check_throttle()
        return super().clean()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["name"].widget.attrs["autofocus"] = True


class ThrottledLoginMixin:
    """accounts.backends.ThrottleBackend refused the login: say how long to wait."""

    def get_invalid_login_error(self):
        if seconds := getattr(self.request, "throttled_for", None):
            return forms.ValidationError(throttle.wait_message(seconds), code="throttled")
        return super().get_invalid_login_error()


class LoginForm(ThrottledLoginMixin, auth_forms.AuthenticationForm):
    # One message for unknown email, wrong password and inactive account alike,
    # so the form never reveals whether an email has an account.
    error_messages = {"invalid_login": BAD_LOGIN, "inactive": BAD_LOGIN}

    username = auth_forms.UsernameField(
        label=gettext_lazy("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class PasswordResetForm(ThrottledFormMixin, auth_forms.PasswordResetForm):
    limits = throttle.PASSWORD_RESET

    def clean(self):
        cleaned = super().clean()
        self.check_throttle(cleaned.get("email", ""))
        return cleaned

    def save(self, **kwargs) -> None:
        """Queue the email like every other: the request never waits for the mail server,
        and it takes the same path whether or not the address has an account."""
        users = self.get_users(self.cleaned_data["email"])
        with transaction.atomic():
            outbox.queue(EmailDelivery.Kind.PASSWORD_RESET, [(user.pk, None) for user in users])


class AdminUserCreationForm(UserFieldsMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class AdminUserChangeForm(UserFieldsMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
