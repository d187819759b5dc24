"""Keeping `Item.search_extra` current: the names search finds beside an item's own text.

Author, publication and company names live on other tables, so `Item.search_extra` holds
them (each kind says which: `search_names()`), denormalised so that one index per language
covers them. `refresh_search_text()` rewrites it.

**The rule.** A search finds an item by the names of its authors and publications, and by
the name of every company it names that is public *now*: a draft company's name never finds
anything, and a company's name finds its items from the moment it is public.

**Every write that changes an input rewrites the text**, through the signals below:

- an item saved or its companies changed (admin, factories, demo loader, shell);
- a company saved (renamed, published, unpublished, rescheduled) or deleted;
- `publish()` and `unpublish()` of companies, bulk UPDATEs that send `publication_changed`
  rather than `post_save`;
- `loaddata`: its raw saves are handled like any other, in whatever order the dump holds the
  rows. An item's text is worked out again when its own row, its kind's row (an article's
  authors, a response's company), its companies or a company it names arrive, so the last
  of them to arrive leaves it right, whatever an older dump held.

**The one change no write makes** is a scheduled company's publication time passing. Its
name is left out of the stored text while it is scheduled, and until the company is next
saved, `pending_companies()` (published, public now, dated after its last change: made
public by the clock, not by a write) names it: the search matches its name at query time
(`search.fulltext.query`), finding the items that name it when every word of the search is
in its name. Nothing goes stale in between, and no read ever writes.

Writes that send no signal (raw SQL, `QuerySet.update()` of names or publication columns)
must call `refresh_search_text()`; `manage.py build_archive` computes the text in its own SQL.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from companies.models import Company
from resource_centre.publishing import publication_changed
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
        try:
            text = search_text_for(item)
        except ObjectDoesNotExist:
            # A row it points to is not there yet: only inside `loaddata`, which checks the
            # references when it is done; that row's own arrival refreshes this item.
            continue
        if text != item.search_extra:
            item.search_extra = text
            changed.append(item)
    Item.objects.bulk_update(changed, ["search_extra"], batch_size=500)
    return len(changed)


def items_of_companies(companies) -> set[int]:
    """The ids of the items naming any of `companies` (objects or ids)."""
    return set(Item.objects.naming_companies(companies).values_list("pk", flat=True))


def items_of_company(company) -> set[int]:
    return items_of_companies([company])


def pending_companies():
    """Public companies whose names the stored text of their items may lack: made public by
    their publication time passing (dated after their last change), not by a write."""
    return Company.objects.published().filter(published_at__gt=F("updated_at"))


@receiver(post_save, dispatch_uid="search.fulltext.upkeep.item_saved")
def _item_saved(sender, instance, **kwargs):
    # `loaddata`'s raw saves too: an older dump may hold stale text, and the rows it is
    # computed from may arrive in any order (see the module's doc).
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


@receiver(publication_changed, dispatch_uid="search.fulltext.upkeep.publication_changed")
def _publication_changed(sender, pks, **kwargs):
    if issubclass(sender, Company):
        refresh_search_text(items_of_companies(pks))


@receiver(pre_delete, sender=Company, dispatch_uid="search.fulltext.upkeep.company_deleted")
def _company_deleted(sender, instance, **kwargs):
    instance._search_items_before_delete = items_of_company(instance)


@receiver(post_delete, sender=Company, dispatch_uid="search.fulltext.upkeep.company_gone")
def _company_gone(sender, instance, **kwargs):
    refresh_search_text(getattr(instance, "_search_items_before_delete", ()))
