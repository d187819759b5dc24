"""Indexes a filtered list's window reads from alone: one kind's public items by id, and
the items of a topic, a company or a tag by item id, so that two of them merge in id order
and stop at the window's size (search.results._window)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0006_contact_help'),
        ('stories', '0012_status_ready_for_review'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The many-to-many tables Django makes for Item.topics and Item.companies index the
        # item and the topic (or company) apart; these read a topic's items in item order.
        migrations.RunSQL(
            "CREATE INDEX item_topics_by_topic ON stories_item_topics (topic_id, item_id)",
            "DROP INDEX item_topics_by_topic",
        ),
        migrations.RunSQL(
            "CREATE INDEX item_companies_by_company"
            " ON stories_item_companies (company_id, item_id)",
            "DROP INDEX item_companies_by_company",
        ),
        migrations.AlterField(
            model_name='taggeditem',
            name='tag',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tagged_items', to='stories.tag'),
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['kind', 'id'], include=('published_at',), name='item_public_kind_id'),
        ),
        migrations.AddIndex(
            model_name='taggeditem',
            index=models.Index(fields=['tag', 'content_object'], name='tagged_item_by_tag'),
        ),
    ]
