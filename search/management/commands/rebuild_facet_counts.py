from django.core.management.base import BaseCommand

from search import facet_counts


class Command(BaseCommand):
    help = (
        "Recount the facet counts of every list from the items (after writes that bypass "
        "the ORM's signals: raw SQL, QuerySet.update(), bulk_create)."
    )

    def handle(self, *args, **options):
        facet_counts.rebuild()
        if options["verbosity"]:
            self.stdout.write("Facet counts rebuilt.")
