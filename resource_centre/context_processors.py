from django.conf import settings
from django.templatetags.static import static
from django.utils.functional import cached_property, lazy

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
    def signature(self):
        return localized(self.message, "signature") if self.message else None

    @cached_property
    def link_label(self):
        return localized(self.message, "link_label") if self.message else None


#: The logo in the header and footer: a static path (`img/logo.svg`) or an address.
DEFAULT_LOGO = "img/logo.svg"


def logo_url() -> str:
    """The address of `settings.SITE_LOGO` (a static path unless it is an address)."""
    logo = getattr(settings, "SITE_LOGO", "") or DEFAULT_LOGO
    if logo.startswith(("https://", "http://", "/")):
        return logo
    return static(logo)


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Read only where a template shows it (the static manifest lookup is not free).
        "SITE_LOGO_URL": lazy(logo_url, str)(),
        "site_banner": SiteMessageBanner(request),
    }
