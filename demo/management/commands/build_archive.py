from django.core.management.base import BaseCommand, CommandError

from demo.archive import ArchiveExists, build_archive


class Command(BaseCommand):
    help = (
        "Fill the database with a generated archive of N articles and, in proportion, stories, "
        "company responses, opinions and statements, with their companies, topics and tags "
        "(see demo/archive.py). Refuses a database that already has items unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="how many articles")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add the archive even though the database already has items",
        )

    def handle(self, *args, articles, seed, force, **options):
        if articles < 0:
            raise CommandError("--articles must be zero or more.")
        try:
            build_archive(articles, seed=seed, force=force, log=self.stdout.write)
        except ArchiveExists as exc:
            raise CommandError(str(exc)) from exc
