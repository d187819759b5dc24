"""Scheduled items leave the stored counts until their time comes (`ItemFacets.counted`).

Until now an item scheduled for later was in the counts and a read took it off again; from
here it is left out, and a read adds it once due. The items scheduled when this runs are
taken off the counts and marked uncounted (the rule of `search.facet_counts.contribution`,
written out here: a migration imports no application code).
"""

from collections import Counter

from django.db import migrations, models
from django.utils import timezone

SCOPE_PREFIXES = ("topic:", "company:")


def uncount_scheduled(apps, schema_editor):
    ItemFacets = apps.get_model("search", "ItemFacets")
    FacetCount = apps.get_model("search", "FacetCount")
    scheduled = ItemFacets.objects.filter(published_at__gt=timezone.now())
    delta: Counter = Counter()
    for values in scheduled.values_list("facet_values", flat=True).iterator():
        values = values.split()
        scopes = ["all", *(value for value in values if value.startswith(SCOPE_PREFIXES))]
        delta.update((scope, value) for scope in scopes for value in values)
    for (scope, value), n in delta.items():
        FacetCount.objects.filter(scope=scope, value=value).update(count=models.F("count") - n)
    FacetCount.objects.filter(count__lte=0).delete()
    scheduled.update(counted=False)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_facet_counts"),
        ("stories", "0012_status_ready_for_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemfacets",
            name="counted",
            field=models.BooleanField(default=True, verbose_name="in the counts"),
        ),
        migrations.AddIndex(
            model_name="itemfacets",
            index=models.Index(
                condition=models.Q(("counted", False)),
                fields=["published_at"],
                name="item_facets_uncounted",
            ),
        ),
        migrations.RunPython(uncount_scheduled, migrations.RunPython.noop),
    ]
