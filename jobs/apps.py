from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from huey import signals
        from huey.contrib.djhuey import HUEY

        from jobs import checks  # noqa: F401 (registers the deploy check)
        from jobs.models import FailedJob

        def keep_last_failure(signal, task, exception=None):
            # huey sends "error" for every failed attempt; task.retries is what is left.
            if exception is not None and not task.retries:
                HUEY.refresh_connections()
                FailedJob.record(HUEY, task, exception)

        HUEY.signal(signals.SIGNAL_ERROR)(keep_last_failure)
