"""Screenshots of the public site for people to look at: docs/screens/<page>-<lang>-<width>.png.

    .venv/bin/python docs/screenshots.py                 # every page, en ar ja, 390 and 1280 px
    .venv/bin/python docs/screenshots.py --pages topic hub --languages ar
    .venv/bin/python docs/screenshots.py --measure       # print where the first result is, no files

It builds a throwaway SQLite database in a temporary directory (migrate, then `load_demo`, the
demo `make run` serves), starts `manage.py runserver` on a free loopback port with DEBUG on,
and drives Debian's chromium (/usr/bin/chromium) with Playwright, which never downloads a
browser. Each screenshot is the first screen only (390×844 and 1280×900), re-saved with a
256-colour palette, so files stay small.
The database gets what an editor would add and the demo does not hold: the hub's featured
items and the site message's signature. Nothing outside the temporary directory is written
but the PNGs.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {390: 844, 1280: 900}
LANGUAGES = ["en", "ar", "ja"]
PAGES = [
    "home",
    "hub",
    "topic",
    "article",
    "story",
    "opinion",
    "statement",
    "company",
    "company_index",
    "search",
]
FIRST_RESULT = """() => {
  const entry = document.querySelector('main .list-main .entry, main .results .entry');
  return entry ? Math.round(entry.getBoundingClientRect().top + scrollY) : null;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env) -> dict[str, str]:
    """Load the demo, add an editor's choices, and return each page's path (in English)."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo", "-v", "0")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import reverse
    from django.utils import translation

    from companies.models import Company
    from resource_centre.models import SiteMessage
    from stories.models import Item, Kind, Opinion, Statement, Story, Topic

    hub = Topic.objects.get(slug="technology-and-human-rights")
    topic = Topic.objects.get(slug="digital-freedom")
    items = Item.objects.published().newest_first()
    stories = items.filter(kind=Kind.STORY).on_topics([hub.pk])[:2]
    hub.featured_items.set(stories)
    message = SiteMessage.objects.current()
    if message is not None and not message.signature:
        message.signature = "Alex Guy, Digital Officer"
        message.save()
    article = items.filter(kind=Kind.ARTICLE, title_en__startswith="UN experts warn").first()
    article = article or items.filter(kind=Kind.ARTICLE).first()
    with translation.override("en"):
        return {
            "home": reverse("home"),
            "hub": hub.get_absolute_url(),
            "topic": topic.get_absolute_url(),
            "article": article.get_absolute_url(),
            "story": Story.objects.published().filter(topics=topic).latest().get_absolute_url(),
            "opinion": Opinion.objects.published().latest().get_absolute_url(),
            "statement": Statement.objects.published().latest().get_absolute_url(),
            "company": Company.objects.published().get(slug="nso-group").get_absolute_url(),
            "company_index": reverse("companies:company_list"),
            "search": reverse("search:results") + "?q=spyware",
        }


def shrink(path: Path) -> None:
    """Re-save a screenshot with a 256-colour palette (Pillow): a third of the size, still
    sharp for text and flat colours (photographs band a little)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def in_language(path: str, language: str) -> str:
    return f"/{language}/" + path.split("/", 2)[2]


def serve(env, port):
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", default=PAGES, choices=PAGES)
    parser.add_argument("--languages", nargs="*", default=LANGUAGES)
    parser.add_argument("--widths", nargs="*", type=int, default=list(VIEWPORTS))
    parser.add_argument("--measure", action="store_true", help="print the first result's y")
    parser.add_argument("--full-colour", action="store_true", help="keep 24-bit PNGs")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rc-screens-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/screens.sqlite3",
            "DEBUG": "true",
            "CACHE_URL": "dummy://",
            "MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_SETTINGS_MODULE": "resource_centre.settings",
        }
        paths = prepare(env)
        port = free_port()
        server = serve(env, port)
        OUT.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                for width in args.widths:
                    viewport = {"width": width, "height": VIEWPORTS.get(width, 900)}
                    context = browser.new_context(viewport=viewport)
                    page = context.new_page()
                    for language in args.languages:
                        for name in args.pages:
                            url = f"http://127.0.0.1:{port}{in_language(paths[name], language)}"
                            response = page.goto(url, wait_until="networkidle")
                            if response.status != 200:
                                raise SystemExit(f"{url} answered {response.status}")
                            if args.measure:
                                y = page.evaluate(FIRST_RESULT)
                                print(f"{name}-{language}-{width}: first result at y={y}")
                                continue
                            target = OUT / f"{name}-{language}-{width}.png"
                            page.screenshot(path=str(target), full_page=False)
                            if not args.full_colour:
                                shrink(target)
                            print(target.relative_to(ROOT))
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
