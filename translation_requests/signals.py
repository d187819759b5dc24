"""Requests close by themselves, whatever saved the item (translation_requests/models.py)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from stories.models import Item
from translation_requests.services import refresh_requests


@receiver(post_save, dispatch_uid="translation_requests.signals.item_saved")
def _item_saved(sender, instance, **kwargs):
    # Sent for the saved model only (an Article, not its Item row), so not filtered by sender.
    if isinstance(instance, Item):
        refresh_requests(instance)
