from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourceCentreConfig(AppConfig):
    name = "resource_centre"
    verbose_name = _("Site")
