"""The production settings (from the environment) plus the test jobs: for real consumers."""

from resource_centre.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.probe"]  # noqa: F405
