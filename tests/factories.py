from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import Category, Event

PASSWORD = "correct-Horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)
    email_verified_at = factory.LazyFunction(timezone.now)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda c: c.name.lower().replace(" ", "-").replace("&", ""))


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    organizer = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Event number {n}")
    description = "Talks and snacks."
    category = factory.SubFactory(CategoryFactory, name="Technology", slug="technology")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    venue = "Kulturbrauerei"
    city = "Berlin"
    capacity = 50
    status = Event.Status.PUBLISHED
