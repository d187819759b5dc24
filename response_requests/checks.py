"""`manage.py check --deploy`: the site address the answer links are e-mailed with.

A request is e-mailed from a job, with no request to read the site's address from: it is
SITE_URL (else https:// and the first of ALLOWED_HOSTS). A link a company cannot open is a
request it cannot answer, so an address that cannot work is an error before deploying."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def answer_links_have_a_site_address(app_configs, **kwargs):
    return site_url_errors(settings.SITE_URL)


def site_url_errors(site_url: str) -> list[checks.Error]:
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    if parts.scheme in {"http", "https"} and host and "*" not in host:
        return []
    return [
        checks.Error(
            f"SITE_URL is {site_url!r}: the links e-mailed to companies would not open.",
            hint="Set SITE_URL to the public site's address, e.g. https://www.example.org "
            "(it defaults to the first of ALLOWED_HOSTS, which must then be a real host name).",
            id="response_requests.E001",
        )
    ]
