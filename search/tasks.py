"""The facet counts' job: items whose scheduled time came folded into the counts."""

from huey import crontab

from jobs.decorators import scheduled_job
from search import facet_counts


@scheduled_job(crontab(), retries=0)
def fold_due_facet_counts():
    """Every minute: the items that came due join the stored counts (`fold_due()`); a
    failed run is simply the next minute's work."""
    return facet_counts.fold_due()
