from django.core.management.base import BaseCommand

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo content (the Technology and Human Rights topic, Digital Freedom and its "
        "items, companies, responses, a statement, an opinion and a site message). Safe to run "
        "again: existing rows are updated in place, never duplicated."
    )

    def handle(self, *args, **options):
        summary = load_demo()
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {summary.total('created')} created, "
                f"{summary.total('updated')} updated, {summary.total('unchanged')} unchanged."
            )
        )
