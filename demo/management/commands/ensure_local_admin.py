"""`make run` calls this so a fresh local site can be administered at once.

If no superuser exists, it creates "admin" with a random password and prints the user name
and password once; otherwise it says which administrator exists, prints no password, and
says how to set a new one (Django's `changepassword`).
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a local superuser 'admin' with a random password if there is no superuser."

    def handle(self, *args, **options):
        User = get_user_model()
        superuser = User.objects.filter(is_superuser=True).order_by("pk").first()
        if superuser is not None:
            name = superuser.get_username()
            self.stdout.write(
                f"An administrator account already exists ({name}); no password changed. "
                f"To set a new one: .venv/bin/python manage.py changepassword {name}"
            )
            return
        username = USERNAME
        if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
            # "admin" exists without superuser rights: never take over someone's account.
            username = f"{USERNAME}-{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(18)
        User.objects.create_superuser(**{User.USERNAME_FIELD: username}, password=password)
        self.stdout.write(
            self.style.SUCCESS("Created a local administrator (shown only this once):")
        )
        self.stdout.write(f"  user name: {username}")
        self.stdout.write(f"  password:  {password}")
