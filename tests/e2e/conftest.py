"""End-to-end tests in a real browser: Debian's chromium driven by Playwright.

Never downloads a browser: chromium is launched from /usr/bin/chromium. Where it is missing the
tests skip with a clear message, except when REQUIRE_BROWSER=1 (set by .ci/run), where they
fail. The fixtures are deliberately not called `browser`/`page`/`context`: those names belong to
the pytest-playwright plugin, whose versions would launch Playwright's own downloaded browser.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse every
# ORM call made by the tests (and by the live server thread sharing an in-memory SQLite).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_BROWSER = f"Debian chromium not installed at {CHROMIUM}: apt-get install chromium"
# Screenshots for people to look at (gitignored).
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
# Generous: CI machines may be busy; a real failure still ends the test.
TIMEOUT_MS = 30_000


# One Playwright and one browser per test process. Other conftests import `chromium_browser`
# (tests/resource_centre/admin does), which registers the fixture again; a second sync
# Playwright in the same thread would fail ("using Playwright Sync API inside the asyncio loop").
_SHARED = {}


def _close_shared_browser():
    browser, playwright = _SHARED.pop("browser", None), _SHARED.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session")
def chromium_browser(pytestconfig):
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {MISSING_BROWSER}", pytrace=False)
        pytest.skip(MISSING_BROWSER)
    if "browser" not in _SHARED:
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = _SHARED["playwright"].chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        pytestconfig.add_cleanup(_close_shared_browser)
    return _SHARED["browser"]


def _new_page(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return context, page


@pytest.fixture
def web(chromium_browser, live_server):
    """A fresh page (own cookies) with JavaScript on; fails the test on a script error."""
    context, page = _new_page(chromium_browser, live_server)
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


@pytest.fixture
def web_without_js(chromium_browser, live_server):
    """A fresh page in a context with JavaScript disabled."""
    context, page = _new_page(chromium_browser, live_server, java_script_enabled=False)
    yield page
    context.close()


@dataclass
class SiteContent:
    message: object
    hub: object
    topic: object
    company: object
    article: object
    story: object
    opinion: object
    statement: object
    response: object

    def path(self, name: str, language: str) -> str:
        """The path of page `name` ("home", "topic", ..., "response") in `language`."""
        with translation.override(language):
            from django.urls import reverse

            if name == "home":
                return reverse("home")
            if name == "company_index":
                return reverse("companies:company_list")
            if name == "search":
                return reverse("search:results") + "?q=shutdown"
            return getattr(self, name).get_absolute_url()


PAGES = [
    "home",
    "hub",
    "topic",
    "story",
    "article",
    "opinion",
    "statement",
    "company",
    "company_index",
    "response",
    "search",
]


@pytest.fixture
def content(transactional_db):
    """A small multilingual site: every kind of page, Arabic translations, an article also in
    French (so lists offer a translation disclosure), and a site message. The topic sits
    under a hub whose title is in Arabic and Japanese but whose introduction is in English
    only (its pages in those languages fall back in part)."""
    from responses.models import Outcome
    from tests import factories as f

    message = f.SiteMessageFactory(
        title="A new look for the Resource Centre",
        title_ar="مظهر جديد لمركز الموارد",
        body="<p>We are redesigning the site. Tell us what works for you.</p>",
        body_ar="<p>نعيد تصميم الموقع. أخبرونا بما يناسبكم.</p>",
        link_url="https://example.org/feedback",
        link_label="Give feedback",
        link_label_ar="شاركونا رأيكم",
        signature="Alex Guy, Digital Officer",
    )
    hub = f.TopicFactory(
        title="Technology and human rights",
        title_ar="التكنولوجيا وحقوق الإنسان",
        title_ja="テクノロジーと人権",
        slug="technology-and-human-rights",
        summary="How technology companies affect human rights.",
        intro="<p>Technology companies shape how people speak, organise and are watched.</p>",
        quote="We must learn to curtail harmful uses of digital technology.",
        quote_attribution="A Secretary-General",
    )
    topic = f.TopicFactory(
        parent=hub,
        title="Technology and human rights: digital freedom",
        title_ar="التكنولوجيا وحقوق الإنسان: الحرية الرقمية",
        slug="digital-freedom",
        summary="How technology companies affect freedom of expression and privacy online.",
        summary_ar="كيف تؤثر شركات التكنولوجيا في حرية التعبير والخصوصية على الإنترنت.",
        intro=(
            "<p>Activists rely on the internet to organise, yet network shutdowns, "
            "filtering and surveillance keep spreading. Telecom and platform companies are "
            "often asked to carry them out.</p>"
        ),
        intro_ar=(
            "<p>يعتمد الناشطون على الإنترنت للتنظيم، لكن قطع الشبكات والحجب والمراقبة "
            "تتزايد. وكثيرًا ما يُطلب من شركات الاتصالات والمنصات تنفيذها.</p>"
        ),
        quote="Rights held offline must be protected online too.",
        quote_ar="يجب حماية الحقوق على الإنترنت كما خارجه.",
        quote_attribution="A human rights defender",
        quote_attribution_ar="مدافعة عن حقوق الإنسان",
        featured=True,
    )
    sector = f.SectorFactory(name="Telecommunications", name_ar="الاتصالات", slug="telecoms")
    company = f.CompanyFactory(
        name="Meridian Telecom",
        slug="meridian-telecom",
        description="A mobile network operator active in twelve countries.",
        description_ar="مشغل شبكات هاتف محمول يعمل في اثني عشر بلدًا.",
    )
    company.sectors.set([sector])
    article = f.ArticleFactory(
        title="Rights groups question operator over regional internet shutdown",
        title_fr="Des ONG interrogent un opérateur sur une coupure régionale d'internet",
        title_ar="منظمات حقوقية تسائل مشغلًا بشأن قطع الإنترنت في منطقة",
        summary="Civil society groups ask why mobile data was cut during the protests.",
        summary_fr="Des associations demandent pourquoi les données mobiles ont été coupées.",
        summary_ar="تسأل منظمات المجتمع المدني عن سبب قطع بيانات الهاتف أثناء الاحتجاجات.",
        body="<p>Mobile data was unavailable for nine days across the region.</p>",
        body_ar="<p>انقطعت بيانات الهاتف المحمول تسعة أيام في أنحاء المنطقة.</p>",
        author="Lina Haddad",
        publication="The Daily Courier",
        original_headline="Nine days offline: who pulled the plug?",
        topics=[topic],
        companies=[company],
    )
    response = f.CompanyResponseFactory(
        company=company,
        responds_to=article,
        outcome=Outcome.RESPONDED,
        title="Meridian Telecom says it followed a government order",
        title_ar="ميريديان تيليكوم تقول إنها نفذت أمرًا حكوميًا",
        summary="The company says the order was binding and that it asked for it in writing.",
        summary_ar="تقول الشركة إن الأمر كان ملزمًا وإنها طلبته كتابيًا.",
        body="<p>We complied with a written order and restored service when it expired.</p>",
        body_ar="<p>امتثلنا لأمر مكتوب وأعدنا الخدمة عند انتهائه.</p>",
        document_url="https://example.org/meridian-response.pdf",
        topics=[topic],
        companies=[company],
    )
    story = f.StoryFactory(
        title="Operator restores mobile data after nine-day shutdown",
        title_ar="المشغل يعيد بيانات الهاتف بعد انقطاع دام تسعة أيام",
        summary="Service came back as the order expired; groups want a public review.",
        summary_ar="عادت الخدمة مع انتهاء الأمر، وتطالب المنظمات بمراجعة علنية.",
        body="<p>The centre asked Meridian Telecom to respond; it did.</p>",
        body_ar="<p>طلب المركز من ميريديان تيليكوم الرد، وقد ردت.</p>",
        topics=[topic],
        companies=[company],
    )
    story.related_items.set([article, response])
    opinion = f.OpinionFactory(
        title="Shutdowns are never proportionate",
        title_ar="قطع الإنترنت ليس متناسبًا أبدًا",
        summary="Why operators should publish every order they receive.",
        summary_ar="لماذا يجب على المشغلين نشر كل أمر يتلقونه.",
        body="<p>Transparency reports are the least a company can do.</p>",
        body_ar="<p>تقارير الشفافية هي أقل ما يمكن للشركة فعله.</p>",
        author_name="Karim Mansour",
        author_role="Policy lead",
        author_role_ar="مسؤول السياسات",
        author_organisation="Open Networks Coalition",
        series="Keep it on",
        topics=[topic],
    )
    # No Arabic translation: the Arabic page shows English, marked lang="en" dir="ltr".
    statement = f.StatementFactory(
        title="Joint statement: keep the internet on during elections",
        summary="Organisations call on operators to resist blanket shutdown orders.",
        body="<p>We, the undersigned, urge operators to challenge shutdown orders.</p>",
        topics=[topic],
    )
    for name in ["Digital Rights Watch", "Open Networks Coalition", "Press Freedom Forum"]:
        f.SignatoryFactory(statement=statement, name=name)
    hub.featured_items.set([story])
    return SiteContent(message, hub, topic, company, article, story, opinion, statement, response)


def screenshot(page, name: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / name
    page.screenshot(path=str(path), full_page=True)
    return path
