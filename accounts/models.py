from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy
from timezone_field import TimeZoneField

from events.text import OneLineCharField


def normalize_email(email: str) -> str:
    """Emails are the login, compared case-insensitively, so they are stored lowercased."""
    return email.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        # Whoever runs createsuperuser owns the address.
        extra_fields.setdefault("email_verified_at", timezone.now())
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email=normalize_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(gettext_lazy("email address"), unique=True)
    name = OneLineCharField(gettext_lazy("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        gettext_lazy("staff status"),
        default=False,
        help_text=gettext_lazy("Can log in to the admin site."),
    )
    is_active = models.BooleanField(
        gettext_lazy("active"),
        default=True,
        help_text=gettext_lazy("Unselect this instead of deleting accounts."),
    )
    date_joined = models.DateTimeField(gettext_lazy("date joined"), default=timezone.now)
    # Set when the person opens the link sent to `email`; until then they can browse and
    # sign in, but not register for or create events.
    email_verified_at = models.DateTimeField(gettext_lazy("email confirmed"), null=True, blank=True)
    # A new address waiting for its link to be opened; `email` stays the login until then.
    pending_email = models.EmailField(gettext_lazy("new email, to be confirmed"), blank=True)
    # Empty: the browser's (see accounts/viewer.py); emails then use the site's.
    language = models.CharField(
        gettext_lazy("language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    # Empty: the browser's zone (see accounts/viewer.py), and emails show event times only.
    time_zone = TimeZoneField(
        gettext_lazy("time zone"),
        blank=True,
        help_text=gettext_lazy("Event times are also shown in this zone."),
    )

    # The secret in the address of this person's calendar feed; None until they ask for
    # one. Resetting it cuts off every calendar app that had the old address.
    calendar_token = models.CharField(
        gettext_lazy("calendar feed key"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["email"]
        verbose_name = gettext_lazy("user")
        verbose_name_plural = gettext_lazy("users")
        constraints = [
            # Defence in depth: the app lowercases emails, the database refuses case twins.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def initial(self) -> str:
        """The avatar's letter."""
        return self.display_name[:1].upper()

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.display_name
