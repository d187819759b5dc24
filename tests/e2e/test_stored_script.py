"""Script stored without the admin form never runs in a visitor's browser.

Hostile markup goes into every rich-text field through the ORM, and with raw SQL (as a data
migration would) into rich text and every address field; each public page type is then
opened in chromium: no payload sets its flag on `window`, no dialog opens, and no link with a
script address is on the page.
"""

import pytest
from django.db import connection
from django.utils import translation

from companies.models import Company
from resource_centre.models import SiteMessage
from responses.models import CompanyResponse
from stories.models import Article, Item

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PAYLOAD = (
    "<p>Kept words</p>"
    "<script>window.pwned = 'script'; alert('script')</script>"
    "<img src=x onerror=\"window.pwned = 'img'; alert('img')\">"
    "<svg onload=\"window.pwned = 'svg'\"><circle r=1></circle></svg>"
    "<iframe src=\"javascript:parent.pwned = 'iframe'\"></iframe>"
    "<details open ontoggle=\"window.pwned = 'details'\"><summary>s</summary></details>"
)
SCRIPT_LINK = "javascript:window.pwned = 'link'"

SCRIPT_LINKS = """() => [...document.querySelectorAll('[href], [src], [action]')]
  .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))
  .filter(v => /^\\s*(javascript|data|vbscript):/i.test(v.replace(/[\\t\\n\\r]/g, '')))"""


def _raw_update(model, fields: dict, pk=None):
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(model._meta.db_table)} SET " + ", ".join(
        f"{quote(model._meta.get_field(name).column)} = %s" for name in fields
    )
    params = list(fields.values())
    if pk is not None:
        sql += f" WHERE {quote(model._meta.pk.column)} = %s"
        params.append(pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def hostile(transactional_db):
    from tests import factories as f

    company = f.CompanyFactory(slug="hostile-co", name="Hostile Co")
    topic = f.TopicFactory(slug="hostile", intro=PAYLOAD, intro_fr=PAYLOAD)
    items = [
        f.ArticleFactory(body=PAYLOAD, body_fr=PAYLOAD, topics=[topic], companies=[company]),
        f.StoryFactory(body=PAYLOAD, topics=[topic]),
        f.OpinionFactory(body=PAYLOAD),
        f.StatementFactory(body=PAYLOAD),
        f.CompanyResponseFactory(body=PAYLOAD, company=company, document_url="https://a.example/"),
    ]
    f.SiteMessageFactory(body=PAYLOAD, body_fr=PAYLOAD, link_url="https://example.org/")
    # Round the field, as raw SQL or a data migration would write.
    _raw_update(Item, {"body_en": PAYLOAD}, items[1].pk)
    _raw_update(Company, {"website": SCRIPT_LINK}, company.pk)
    _raw_update(Article, {"source_url": SCRIPT_LINK}, items[0].pk)
    _raw_update(CompanyResponse, {"document_url": SCRIPT_LINK}, items[4].pk)
    _raw_update(SiteMessage, {"link_url": SCRIPT_LINK, "body_en": PAYLOAD})
    paths = ["/en/", "/fr/"]
    for language in ("en", "fr"):
        with translation.override(language):
            paths += [obj.get_absolute_url() for obj in (topic, company, *items)]
    return paths


def test_no_stored_script_runs_on_any_page(web, hostile):
    dialogs = []
    web.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for path in hostile:
        web.goto(path)
        web.wait_for_load_state("load")
        assert web.locator("text=Kept words").count() >= 1, path
        assert web.evaluate("() => window.pwned === undefined"), path
        assert web.evaluate(SCRIPT_LINKS) == [], path

    assert dialogs == []
