"""Facet counts kept up to date on write: what a topic page, a company page and the full
list show beside their results without counting their items on every request.

`search.facet_counts` explains the rule and owns every write; this module only holds the
two tables.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stories.models import Item


class FacetCount(models.Model):
    """How many published items of a list (`scope`) have one facet value (`value`).

    `scope` is "all" (every item), "topic:<id>" (a topic with its sub-topics) or
    "company:<id>" (items naming the company); `value` is "total" or a facet value such as
    "kind:article", "country:FR", "region:europe", "topic:<id>", "company:<id>",
    "sector:<id>", "tag:<id>", "language:fr". Items still scheduled when last written are not
    counted here until their time passes (`ItemFacets.counted`): a read adds those already
    due (`search.facet_counts.scope_counts`), so a publication time passing needs no write.
    """

    scope = models.CharField(_("list"), max_length=40)
    facet = models.CharField(_("facet"), max_length=20)
    value = models.CharField(_("facet value"), max_length=80)
    count = models.IntegerField(_("items"))

    class Meta:
        verbose_name = _("facet count")
        verbose_name_plural = _("facet counts")
        constraints = [
            models.UniqueConstraint(fields=["scope", "value"], name="facet_count_scope_value")
        ]
        # A list's counts, each facet's most frequent first (`scope_counts(top=...)`), read
        # in that order from the index alone: sorting a topic's 2,500 counts by count and
        # value took 10 of the 18 ms the read cost at 100,000 items.
        indexes = [
            models.Index(fields=["scope", "facet", "-count", "value"], name="facet_count_ranked")
        ]

    def __str__(self):
        return f"{self.scope} {self.value}: {self.count}"


class ItemFacets(models.Model):
    """The facet values a published item adds to the counts, as last counted: what a later
    write must take off again. `counted` is False while they are not in the counts yet: the
    item was scheduled when written, and its time has not been folded in since."""

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=True
    )
    published_at = models.DateTimeField(_("publication date and time"), db_index=True)
    facet_values = models.TextField(_("facet values"))
    counted = models.BooleanField(_("in the counts"), default=True)

    class Meta:
        verbose_name = _("counted item")
        verbose_name_plural = _("counted items")
        indexes = [
            # The few items not in the counts yet, by time: what a read adds once due.
            models.Index(
                fields=["published_at"],
                condition=models.Q(counted=False),
                name="item_facets_uncounted",
            )
        ]

    def __str__(self):
        return f"{self.item_id}: {self.facet_values}"

    @property
    def values(self) -> list[str]:
        return self.facet_values.split()
