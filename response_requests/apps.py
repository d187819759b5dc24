from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseRequestsConfig(AppConfig):
    name = "response_requests"
    verbose_name = _("Response requests")

    def ready(self):
        from response_requests import checks  # noqa: F401 (registers the deploy check)
