"""`manage.py send_test_email ADDRESS [--language fr]`: checks EMAIL_URL end to end."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from resource_centre.tasks import send_email


class Command(BaseCommand):
    help = (
        "Enqueue a test message to ADDRESS, sent by the job consumer through EMAIL_URL "
        "(a failure shows under Background jobs › Failed jobs in the admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("address")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
        )

    def handle(self, *args, address, language, **options):
        try:
            validate_email(address)
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {address!r}") from error
        send_email("test_message", [address], {}, language)
        self.stdout.write(f"Test message to {address} enqueued.")
