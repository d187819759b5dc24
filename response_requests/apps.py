from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseRequestsConfig(AppConfig):
    name = "response_requests"
    verbose_name = _("Response requests")
