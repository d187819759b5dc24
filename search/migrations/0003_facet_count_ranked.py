"""A list's facet counts read in rank order from an index alone (scope_counts(top=...))."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_item_facets_counted'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='facetcount',
            index=models.Index(fields=['scope', 'facet', '-count', 'value'], name='facet_count_ranked'),
        ),
    ]
