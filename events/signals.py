"""Cache invalidation for what is cached beyond the versioned template fragments."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .filters import CHOICES_KEY
from .models import Category, Event


@receiver([post_save, post_delete], sender=Event)
@receiver([post_save, post_delete], sender=Category)
def forget_filter_choices(**kwargs) -> None:
    # A new city or category, or a status change, changes the filter's choices.
    cache.delete(CHOICES_KEY)


@receiver(post_save, sender=Category)
@receiver(pre_delete, sender=Category)
def touch_category_events(instance, **kwargs) -> None:
    # Cards and cached catalogue pages show the category's name and are versioned by
    # their events' updated_at, which a rename or a deletion (SET_NULL) would not bump.
    instance.events.update(updated_at=timezone.now())
