"""Keeping `Item.search_extra` current: the names search finds beside an item's own text.

Author, publication and company names live on other tables, so `Item.search_extra` holds
them (each kind says which: `search_names()`), denormalised so that one index per language
covers them. `refresh_search_text()` rewrites it; the signals below call it from every
write path (admin, factories, demo loader, shell), which share no other hook.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from companies.models import Company
from stories.models import Item


def search_text_for(item) -> str:
    """The names each kind indexes (`search_names()`), each once, in their order."""
    names = item.specific.search_names()
    return " ".join(dict.fromkeys(name.strip() for name in names if name and name.strip()))


def refresh_search_text(item_ids) -> int:
    """Recompute `search_extra` of the given items; returns how many changed."""
    ids = list(item_ids)
    if not ids:
        return 0
    changed = []
    queryset = Item.objects.filter(pk__in=ids).with_specific().prefetch_related("companies")
    for item in queryset.iterator(chunk_size=500):
        text = search_text_for(item)
        if text != item.search_extra:
            item.search_extra = text
            changed.append(item)
    Item.objects.bulk_update(changed, ["search_extra"], batch_size=500)
    return len(changed)


def items_of_company(company) -> set[int]:
    return set(Item.objects.naming_companies([company]).values_list("pk", flat=True))


@receiver(post_save, dispatch_uid="search.fulltext.upkeep.item_saved")
def _item_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Item):
        refresh_search_text([instance.pk])
    elif sender is Company:
        refresh_search_text(items_of_company(instance))


@receiver(
    m2m_changed, sender=Item.companies.through, dispatch_uid="search.fulltext.upkeep.companies"
)
def _companies_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        instance._search_items_before_clear = set(instance.items.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_search_text([instance.pk])
    elif action == "post_clear":
        refresh_search_text(getattr(instance, "_search_items_before_clear", ()))
    else:
        refresh_search_text(pk_set or ())


@receiver(pre_delete, sender=Company, dispatch_uid="search.fulltext.upkeep.company_deleted")
def _company_deleted(sender, instance, **kwargs):
    instance._search_items_before_delete = items_of_company(instance)


@receiver(post_delete, sender=Company, dispatch_uid="search.fulltext.upkeep.company_gone")
def _company_gone(sender, instance, **kwargs):
    refresh_search_text(getattr(instance, "_search_items_before_delete", ()))
