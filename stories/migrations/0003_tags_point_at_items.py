"""Tags point at the Item table with a real foreign key instead of a generic relation.

With the generic relation, an article tagged through its own admin was stored under the
`stories.article` content type, so queries over `Item` (filters, facets, prefetches) missed
it. Existing rows are carried over: their object id is already the item's id.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_object_ids(apps, schema_editor):
    TaggedItem = apps.get_model("stories", "TaggedItem")
    Item = apps.get_model("stories", "Item")
    TaggedItem.objects.exclude(object_id__in=Item.objects.values("pk")).delete()
    seen = set()
    for tagged in TaggedItem.objects.order_by("pk"):
        key = (tagged.object_id, tagged.tag_id)
        if key in seen:  # the same tag stored under two content types
            tagged.delete()
            continue
        seen.add(key)
        tagged.content_object_id = tagged.object_id
        tagged.save(update_fields=["content_object"])


def copy_item_ids_back(apps, schema_editor):
    TaggedItem = apps.get_model("stories", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    item_type, _created = ContentType.objects.get_or_create(app_label="stories", model="item")
    TaggedItem.objects.update(object_id=models.F("content_object_id"), content_type=item_type)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("stories", "0002_item_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggeditem",
            name="content_object",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tagged_items",
                to="stories.item",
                verbose_name="item",
            ),
        ),
        migrations.RunPython(copy_object_ids, copy_item_ids_back),
        migrations.RemoveIndex(
            model_name="taggeditem",
            name="stories_tag_content_5e2fdd_idx",
        ),
        migrations.RemoveField(
            model_name="taggeditem",
            name="content_type",
        ),
        migrations.RemoveField(
            model_name="taggeditem",
            name="object_id",
        ),
        migrations.AlterField(
            model_name="taggeditem",
            name="content_object",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tagged_items",
                to="stories.item",
                verbose_name="item",
            ),
        ),
        migrations.AddConstraint(
            model_name="taggeditem",
            constraint=models.UniqueConstraint(
                fields=("content_object", "tag"), name="tag_once_per_item"
            ),
        ),
    ]
