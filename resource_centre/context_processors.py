from django.conf import settings
from django.utils.functional import cached_property

from resource_centre.i18n import localized
from resource_centre.models import SiteMessage

# The cookie holding the version of the site message a visitor hid.
HIDDEN_MESSAGE_COOKIE = "rc_hidden_message"


class SiteMessageBanner:
    """The current site message for this visitor, read lazily (one query, only if shown)."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def message(self):
        message = SiteMessage.objects.current()
        if message is None:
            return None
        if self.request is not None:
            if self.request.COOKIES.get(HIDDEN_MESSAGE_COOKIE) == message.version:
                return None
        return message

    @cached_property
    def title(self):
        return localized(self.message, "title") if self.message else None

    @cached_property
    def body(self):
        return localized(self.message, "body") if self.message else None

    @cached_property
    def link_label(self):
        return localized(self.message, "link_label") if self.message else None


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "site_banner": SiteMessageBanner(request)}
