from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0008_lead_images"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="featured_items",
            field=models.ManyToManyField(
                blank=True,
                help_text="Shown on a top-level topic's page (a hub) above the full list, newest first.",
                related_name="featured_on",
                to="stories.item",
                verbose_name="featured items",
            ),
        ),
    ]
