"""The writes that keep the facet counts exact (`search.facet_counts`).

Every path that changes an item's facet values passes here: saving or deleting an item of
any kind (through the admin, the shell, the demo loader or `loaddata`), changing its
topics, companies or tags, and the bulk `publish()`/`unpublish()`. Changes of structure,
rare and wide (a topic moved under another, a company's sectors, a topic, company, sector
or tag deleted), recount everything.
"""

import threading

from django.db import connection
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from companies.models import Company, Sector
from resource_centre.publishing import Status, publication_changed
from search import facet_counts
from search.models import FacetCount
from stories.models import Item, Tag, TaggedItem, Topic, company_links

#: Items being deleted in this thread: their tags' cascade must not count them again.
_deleting = threading.local()


def _being_deleted() -> set:
    if not hasattr(_deleting, "pks"):
        _deleting.pks = set()
    return _deleting.pks


def _refresh(pks) -> None:
    deleting = _being_deleted()
    facet_counts.refresh_items(pk for pk in pks if pk not in deleting)


@receiver(post_save, dispatch_uid="search.signals.item_saved")
def _item_saved(sender, instance, **kwargs):
    if isinstance(instance, Item):
        _refresh([instance.pk])


@receiver(pre_delete, dispatch_uid="search.signals.item_deleted")
def _item_deleted(sender, instance, **kwargs):
    if isinstance(instance, Item):
        _being_deleted().add(instance.pk)
        facet_counts.forget_items([instance.pk])


@receiver(post_delete, sender=Item, dispatch_uid="search.signals.item_gone")
def _item_gone(sender, instance, **kwargs):
    # The row of the Item table goes last (after its kind's row, tags and links).
    _being_deleted().discard(instance.pk)


@receiver(publication_changed, dispatch_uid="search.signals.publication_changed")
def _publication_changed(sender, pks, **kwargs):
    if issubclass(sender, Item):
        _refresh(pks)
    elif issubclass(sender, Company):
        _refresh(_credited_to(pks))


def _credited_to(companies) -> list[int]:
    """The items credited to any of `companies` (their responses): public only while their
    company is, so their counts follow its publication."""
    pks: list[int] = []
    for link in company_links():
        if link.credited:
            pks += link.items_naming(companies).values_list(link.item_field, flat=True)
    return pks


@receiver(pre_save, sender=Company, dispatch_uid="search.signals.company_publishing")
def _company_publishing(sender, instance, raw=False, **kwargs):
    if instance.pk:
        old = Company._base_manager.filter(pk=instance.pk)
        instance._facet_publication_before = old.values_list("status", "published_at").first()


@receiver(post_save, sender=Company, dispatch_uid="search.signals.company_published")
def _company_published(sender, instance, created, **kwargs):
    before = getattr(instance, "_facet_publication_before", None)
    if not created and before != (instance.status, instance.published_at):
        _refresh(_credited_to([instance.pk]))


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """An m2m between items and topics or companies changed, from either side."""
    if action == "pre_clear" and reverse:
        instance._facet_items_before_clear = list(
            sender.objects.filter(**{_other_side(sender, model): instance.pk}).values_list(
                _item_side(sender), flat=True
            )
        )
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _refresh([instance.pk])
    elif action == "post_clear":
        _refresh(getattr(instance, "_facet_items_before_clear", ()))
    else:
        _refresh(pk_set or ())


def _item_side(through) -> str:
    return next(f.attname for f in through._meta.fields if f.related_model is Item)


def _other_side(through, model) -> str:
    return next(
        f.attname
        for f in through._meta.fields
        if f.related_model is not None and f.related_model is not Item and not f.primary_key
    )


for _through in (Item.topics.through, Item.companies.through):
    m2m_changed.connect(
        _links_changed, sender=_through, dispatch_uid=f"search.signals.{_through.__name__}"
    )


@receiver(post_save, sender=TaggedItem, dispatch_uid="search.signals.tagged")
@receiver(post_delete, sender=TaggedItem, dispatch_uid="search.signals.untagged")
def _tagged(sender, instance, **kwargs):
    _refresh([instance.content_object_id])


@receiver(m2m_changed, sender=TaggedItem, dispatch_uid="search.signals.tags_changed")
def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # taggit's manager deletes and creates TaggedItem rows in bulk (no post_save), then
    # sends m2m_changed with the item as `instance`.
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Item):
        _refresh([instance.pk])


@receiver(pre_save, sender=Topic, dispatch_uid="search.signals.topic_moving")
def _topic_moving(sender, instance, raw=False, **kwargs):
    if instance.pk:
        old = Topic._base_manager.filter(pk=instance.pk).values_list("parent_id", flat=True)
        instance._facet_parent_before = next(iter(old), instance.parent_id)


@receiver(post_save, sender=Topic, dispatch_uid="search.signals.topic_moved")
def _topic_moved(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_facet_parent_before", None) != instance.parent_id:
        facet_counts.rebuild()


@receiver(
    m2m_changed, sender=Company.sectors.through, dispatch_uid="search.signals.company_sectors"
)
def _sectors_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        facet_counts.rebuild()


@receiver(post_delete, sender=Topic, dispatch_uid="search.signals.topic_deleted")
@receiver(post_delete, sender=Company, dispatch_uid="search.signals.company_deleted")
@receiver(post_delete, sender=Sector, dispatch_uid="search.signals.sector_deleted")
@receiver(post_delete, sender=Tag, dispatch_uid="search.signals.tag_deleted")
def _structure_deleted(sender, **kwargs):
    facet_counts.rebuild()


@receiver(post_migrate, dispatch_uid="search.signals.counts_after_migrate")
def _counts_after_migrate(sender, using, **kwargs):
    """A database migrated onto this code with items but no counts yet gets them counted."""
    if sender.name != "search" or using != "default":
        return
    if FacetCount._meta.db_table not in connection.introspection.table_names():
        return  # migrated backwards, past the tables
    if FacetCount.objects.exists():
        return
    if Item._base_manager.filter(status=Status.PUBLISHED).exists():
        facet_counts.rebuild()
