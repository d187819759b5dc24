# The browser fixtures of tests/e2e (Debian's chromium through Playwright's own API).
from tests.e2e.conftest import chromium_browser, web, web_without_js  # noqa: F401
