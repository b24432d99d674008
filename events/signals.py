"""Cache invalidation for what is cached beyond the versioned template fragments."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .filters import CHOICES_KEY
from .models import Category, Event


@receiver([post_save, post_delete], sender=Event)
@receiver([post_save, post_delete], sender=Category)
def forget_filter_choices(**kwargs) -> None:
    # A new city or category, or a status change, changes the filter's choices.
    cache.delete(CHOICES_KEY)
