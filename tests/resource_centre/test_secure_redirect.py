"""Without DEBUG, plain http is redirected to https; the proxy's X-Forwarded-Proto is trusted.

Each case loads the production settings (resource_centre.settings, not the test settings,
which turn the redirect off) in a fresh interpreter with a controlled environment
(tests/resource_centre/settings_probe.py), and sends requests through Django's test client
there.
"""

import json

from tests.resource_centre.settings_probe import run_settings

HOST = "example.org"

# /robots.txt needs no database and names its own absolute sitemap address, so the body
# shows whether Django saw the request as https.
PROBE = f"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

def answer(response):
    return {{
        "status": response.status_code,
        "location": response.get("Location"),
        "hsts": response.get("Strict-Transport-Security"),
        "body": response.content.decode(),
    }}

client = Client()
print(json.dumps({{
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "plain": answer(client.get("/robots.txt?from=probe", headers={{"host": "{HOST}"}})),
    "proxied": answer(
        client.get(
            "/robots.txt", headers={{"host": "{HOST}", "x-forwarded-proto": "https"}}
        )
    ),
}}))
"""


def probe(env: dict) -> dict:
    result = run_settings({**env, "ALLOWED_HOSTS": HOST}, PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https():
    values = probe({"SECRET_KEY": "x" * 50})
    assert values["SECURE_SSL_REDIRECT"] is True
    plain = values["plain"]
    assert plain["status"] == 301
    assert plain["location"] == f"https://{HOST}/robots.txt?from=probe"


def test_production_serves_requests_the_proxy_received_over_https():
    proxied = probe({"SECRET_KEY": "x" * 50})["proxied"]
    assert proxied["status"] == 200
    assert proxied["location"] is None
    assert f"Sitemap: https://{HOST}/sitemap.xml" in proxied["body"]
    # README, "Security headers": a year, subdomains and preload without DEBUG.
    assert proxied["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_the_environment_can_turn_the_redirect_off():
    values = probe({"SECRET_KEY": "x" * 50, "SECURE_SSL_REDIRECT": "false"})
    assert values["SECURE_SSL_REDIRECT"] is False
    plain = values["plain"]
    assert plain["status"] == 200
    assert f"Sitemap: http://{HOST}/sitemap.xml" in plain["body"]


def test_local_serving_with_debug_stays_on_plain_http():
    values = probe({"DEBUG": "true"})  # what `make run` sets
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["plain"]["status"] == 200
    assert values["proxied"]["hsts"] is None
