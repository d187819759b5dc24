from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResourceCentreConfig(AppConfig):
    name = "resource_centre"
    verbose_name = _("Site")

    def ready(self):
        from resource_centre import content_version

        content_version.connect_signals()
        post_migrate.connect(
            content_version.settle_after_migrate, sender=self, dispatch_uid="content_version"
        )
