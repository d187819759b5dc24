"""Help lines that several models' fields share. Every field an editor fills has one line
saying what it is for and where it shows (tests/resource_centre/admin/test_help_text.py
walks every content admin's forms for it); a line used by one model stays on its field."""

from django.utils.translation import gettext_lazy as _

SLUG_HELP = _(
    "The end of the page's web address, filled in from the English title. Changing it "
    "breaks links to the old address."
)
