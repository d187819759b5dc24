"""`manage.py serve_with_jobs [ADDRPORT]`: Django's development server and a job consumer in
one command, as `make run` starts them; Ctrl-C stops both.

The consumer (`manage.py run_huey`) is a child process started before the server and
stopped after it, whichever way the server ends. With the autoreloader, only the outer
process starts it: the server's reloaded children do not (a job's code changed under the
consumer needs a restart of `make run`).
"""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

#: How long the consumer may take to finish its running jobs after Ctrl-C.
STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Run the development server and a background-job consumer; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="No code autoreloader.")

    def handle(self, *args, addrport, noreload, **options):
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":  # a reloaded server child
            call_command("runserver", addrport, use_reloader=True)
            return
        consumer = subprocess.Popen([sys.executable, "-m", "django", "run_huey"])
        self.stdout.write(f"Job consumer started (process {consumer.pid}).")
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        except KeyboardInterrupt:
            pass
        finally:
            stop(consumer)


def stop(consumer: subprocess.Popen) -> None:
    """SIGINT (huey's graceful stop: running jobs finish), then SIGKILL if it hangs."""
    if consumer.poll() is None:
        consumer.send_signal(signal.SIGINT)
    try:
        consumer.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        consumer.kill()
        consumer.wait()
