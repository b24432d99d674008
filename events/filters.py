"""The catalogue's filters, shared by the event list page and the JSON API."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Category, Event

WHEN_CHOICES = [
    ("today", gettext_lazy("Today")),
    ("weekend", gettext_lazy("This weekend")),
    ("week", gettext_lazy("Next 7 days")),
    ("month", gettext_lazy("This month")),
]
FORMAT_CHOICES = [("online", gettext_lazy("Online")), ("in_person", gettext_lazy("In person"))]
ORDERINGS = {
    "soonest": ("starts_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "popular": ("-seats_taken", "starts_at", "pk"),
}
ORDERING_CHOICES = [
    ("soonest", gettext_lazy("Soonest")),
    ("newest", gettext_lazy("Newest")),
    ("popular", gettext_lazy("Most popular")),
]


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def when_range(preset: str, today=None) -> tuple[datetime, datetime]:
    """The [start, end) window of a date preset, on the viewer's clock (the active time zone)."""
    today = today or timezone.localdate()
    if preset == "today":
        start, days = today, 1
    elif preset == "weekend":
        # Saturday and Sunday of this week (on a Sunday, yesterday and today).
        start, days = today + timedelta(days=5 - today.weekday()), 2
    elif preset == "week":
        start, days = today, 7
    else:
        start = today.replace(day=1)
        days = ((start + timedelta(days=32)).replace(day=1) - start).days
    return _midnight(start), _midnight(start + timedelta(days=days))


CHOICES_KEY = "catalogue-filter-choices"


def filter_choices() -> tuple[list, list]:
    """The category and city choices, cached: every list page and API call needs them,
    and they change only when an event or category is saved (see signals.py)."""
    choices = cache.get(CHOICES_KEY)
    if choices is None:
        categories = list(Category.objects.values_list("slug", "name"))
        cities = Event.objects.listed().exclude(city="").order_by("city").distinct()
        choices = categories, [(city, city) for city in cities.values_list("city", flat=True)]
        # Bulk writes (seed_demo) send no signals; an hour bounds how stale that gets.
        cache.set(CHOICES_KEY, choices, 3600)
    return choices


class EventFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=gettext_lazy("Search"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("Title, venue, city")}
        ),
    )
    category = django_filters.ChoiceFilter(
        field_name="category__slug",
        choices=[],
        empty_label=gettext_lazy("All categories"),
        label=gettext_lazy("Category"),
    )
    when = django_filters.ChoiceFilter(
        choices=WHEN_CHOICES,
        method="filter_when",
        empty_label=gettext_lazy("Any date"),
        label=gettext_lazy("When"),
    )
    date_from = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__gte",
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__lte",
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    city = django_filters.ChoiceFilter(
        choices=[], empty_label=gettext_lazy("All cities"), label=gettext_lazy("City")
    )
    format = django_filters.ChoiceFilter(
        choices=FORMAT_CHOICES,
        method="filter_format",
        empty_label=gettext_lazy("Online and in person"),
        label=gettext_lazy("Format"),
    )
    seats = django_filters.BooleanFilter(
        method="filter_seats",
        label=gettext_lazy("Only with seats left"),
        widget=forms.CheckboxInput,
    )
    past = django_filters.BooleanFilter(
        method="filter_past", label=gettext_lazy("Include past events"), widget=forms.CheckboxInput
    )
    organizer = django_filters.NumberFilter(field_name="organizer_id", widget=forms.HiddenInput)
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        empty_label=None,
        label=gettext_lazy("Sort by"),
    )

    class Meta:
        model = Event
        fields = []
        form = EventFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories, self.cities = filter_choices()
        self.filters["category"].extra["choices"] = self.categories
        self.filters["city"].extra["choices"] = self.cities

    # The filters "Filters (n)" counts on phones: all it folds away but the sort.
    FOLDED = ("category", "when", "date_from", "date_to", "city", "format", "seats", "past")

    @property
    def in_use(self) -> int:
        """How many folded filters this request sets, counting only valid values."""
        self.form.is_valid()  # cleans the form: invalid values drop out of cleaned_data
        data = getattr(self.form, "cleaned_data", {})
        return sum(1 for name in self.FOLDED if data.get(name))

    def filter_search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(venue__icontains=word)
                | Q(city__icontains=word)
            )
        return queryset

    def filter_when(self, queryset, name, value):
        start, end = when_range(value)
        return queryset.filter(starts_at__lt=end, ends_at__gt=start)

    def filter_format(self, queryset, name, value):
        return queryset.filter(is_online=value == "online")

    def filter_seats(self, queryset, name, value):
        return queryset.with_seats_left() if value else queryset

    def filter_past(self, queryset, name, value):
        # An unchecked box is False, not empty, so this runs on every request.
        return queryset if value else queryset.upcoming()

    def filter_ordering(self, queryset, name, value):
        # Without a valid choice, Event.Meta.ordering (soonest first) applies.
        return queryset.order_by(*ORDERINGS[value])
