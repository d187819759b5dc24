"""Search forgives accents and case (both databases), and a search's matches can be listed
newest first instead of most relevant first (`sort`), in its pages and downloads; its feed
is always newest first."""

import datetime as dt
import unicodedata
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from companies.models import Company
from search import exports
from search.fulltext import query
from search.fulltext.folding import fold, folded_spans
from search.fulltext.highlight import START, STOP, mark_terms
from stories.models import Item
from tests.factories import ArticleFactory, CompanyFactory, StoryFactory, TopicFactory, days_ago
from tests.html import entries, entry_titles, parse, text
from tests.search.test_exports import csv_rows, export

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def search(client, q, language="en", **params):
    with translation.override(language):
        url = reverse("search:results")
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200, response.content[:300]
    return response


def found(client, q, language="en", **params) -> list[str]:
    return entry_titles(search(client, q, language, **params))


def title_marks(response) -> list[list[str]]:
    return [
        [m.text_content() for m in entry.xpath(".//*[contains(@class, 'entry-title')]//mark")]
        for entry in entries(response)
    ]


def excerpt_marks(response) -> list[list[str]]:
    return [
        [m.text_content() for m in entry.xpath(".//*[contains(@class, 'entry-excerpt')]//mark")]
        for entry in entries(response)
    ]


# --- Folding, as the SQLite search and the highlighting in Python do it ---------------


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Lomé", "lome"),
        ("LOMÉ", "lome"),
        ("Défenseurs", "defenseurs"),
        ("Lome\u0301", "lome"),  # decomposed: e + combining acute
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Søren Ærø", "soren aero"),
        ("Œuvre", "oeuvre"),
        ("İstanbul", "istanbul"),
        ("Nguyễn", "nguyen"),
        ("Ἀθῆναι", "αθηναι"),
        ("Ёлка", "елка"),
        ("ударе\u0301ние", "ударение"),  # a stress mark, as `unaccent` drops it
    ],
)
def test_fold_takes_off_case_and_accents_of_latin_greek_and_yo(written, folded):
    assert fold(written) == folded


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("ガイドライン", "ガイドライン"),  # the voicing mark is part of the letter
        ("パン", "パン"),
        ("人権侵害", "人権侵害"),
        ("인권 침해", "인권 침해"),
        ("Йод и соль", "йод и соль"),  # й is a letter of its own, not и with an accent
        ("العَرَبِيَّة", "العَرَبِيَّة"),  # Arabic keeps its vowel signs
        ("हिन्दी", "हिन्दी"),
        ("עִבְרִית", "עִבְרִית"),
    ],
)
def test_fold_leaves_other_scripts_as_written_but_for_their_case(written, folded):
    assert fold(written) == folded


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_folding_each_character_is_folding_the_text(sample):
    """What the highlighting relies on to map matches back onto the text."""
    sample = unicodedata.normalize("NFC", sample)

    assert "".join(fold(char) for char in sample) == fold(sample)


def test_matches_are_marked_on_the_text_as_written():
    assert mark_terms("Port of Lomé, Togo", ["lome"]) == f"Port of {START}Lomé{STOP}, Togo"
    assert mark_terms("Die Straße", ["STRASSE"]) == f"Die {START}Straße{STOP}"
    assert mark_terms("Lome\u0301 port", ["Lomé"]) == f"{START}Lomé{STOP} port"
    assert mark_terms("ガイドライン", ["カイド"]) == "ガイドライン"
    # A term inside one letter's folding (ß → ss) marks that letter once.
    assert folded_spans("aßa", ["s"]) == [(1, 2)]


# --- Accent- and case-insensitive search (both databases) -----------------------------


def test_words_without_accents_find_the_accented_ones(client):
    StoryFactory(title="Defenders at risk", title_fr="Les défenseurs des droits en danger")
    StoryFactory(title="Port of Lomé expands")
    StoryFactory(title="Unrelated", title_fr="Autre chose")

    for word in ["défenseurs", "defenseurs", "DÉFENSEURS", "Defenseurs"]:
        assert found(client, word, "fr") == ["Les défenseurs des droits en danger"], word
    for word in ["Lomé", "lome", "LOMÉ", "LOME"]:
        assert found(client, word) == ["Port of Lomé expands"], word


def test_accented_words_find_text_written_without_accents(client):
    StoryFactory(title="Lome port workers strike")

    assert found(client, "Lomé") == ["Lome port workers strike"]


def test_accents_are_forgiven_in_summaries_bodies_and_names(client):
    StoryFactory(title="A", summary="La sécurité des défenseurs.")
    StoryFactory(title="B", body="<p>Une réunion à <em>Yaoundé</em>.</p>")
    StoryFactory(title="C", companies=[CompanyFactory(name="Société Générale")])

    assert found(client, "securite") == ["A"]
    assert found(client, "yaounde") == ["B"]
    assert found(client, "societe generale") == ["C"]


def test_accents_are_forgiven_in_phrases_and_excluded_words(client):
    StoryFactory(title="Defenders of Lomé", published_at=days_ago(1))
    StoryFactory(title="Defenders of Kara", published_at=days_ago(2))

    assert found(client, '"defenders of lome"') == ["Defenders of Lomé"]
    assert found(client, "defenders -lome") == ["Defenders of Kara"]


def test_a_company_made_public_by_its_schedule_is_found_by_its_name_without_accents(client):
    company = CompanyFactory(
        name="Société Minière", published_at=timezone.now() + dt.timedelta(hours=1)
    )
    StoryFactory(title="A story", companies=[company])
    assert found(client, "societe miniere") == []

    now = timezone.now()  # its time passes with nothing written (see test_search_text_upkeep)
    Company.objects.filter(pk=company.pk).update(
        published_at=now - dt.timedelta(hours=1), updated_at=now - dt.timedelta(hours=2)
    )

    assert found(client, "societe miniere") == ["A story"]
    assert found(client, "SOCIÉTÉ") == ["A story"]


def test_the_accented_word_is_highlighted_when_searched_without_accents(client):
    StoryFactory(
        title="Port of Lomé expands",
        summary="Dockers in Lomé went on strike.",
    )

    response = search(client, "lome")

    assert title_marks(response) == [["Lomé"]]
    assert excerpt_marks(response) == [["Lomé"]]


def test_japanese_text_finds_latin_names_without_accents_and_keeps_its_own_marks(client):
    StoryFactory(title="Port news", title_ja="ロメ（Lomé）の港の労働者")
    StoryFactory(title="Guidelines", title_ja="企業のガイドライン")

    response = search(client, "lome", "ja")
    assert entry_titles(response) == ["ロメ（Lomé）の港の労働者"]
    assert title_marks(response) == [["Lomé"]]
    assert found(client, "ガイドライン", "ja") == ["企業のガイドライン"]
    assert found(client, "カイドライン", "ja") == []


def test_cyrillic_short_i_is_not_folded_but_yo_is(client):
    StoryFactory(title="Iodine", title_ru="Йод и соль")
    StoryFactory(title="Trees", title_ru="Ёлки в лесу")

    assert found(client, "ЙОД", "ru") == ["Йод и соль"]
    assert found(client, "иод", "ru") == []
    assert found(client, "елки", "ru") == ["Ёлки в лесу"]


# --- The sort choice ------------------------------------------------------------------


@pytest.fixture
def ranked_apart():
    """Two matches whose relevance and dates disagree: the title match is the older."""
    StoryFactory(title="Newer", body="<p>It mentions cobalt once.</p>", published_at=days_ago(1))
    StoryFactory(title="Cobalt mines", published_at=days_ago(30))
    StoryFactory(title="Unrelated", published_at=days_ago(2))


def test_a_search_is_most_relevant_first_unless_newest_first_is_chosen(client, ranked_apart):
    relevant = search(client, "cobalt")
    chosen = search(client, "cobalt", sort="relevance")
    newest = search(client, "cobalt", sort="newest")

    assert entry_titles(relevant) == entry_titles(chosen) == ["Cobalt mines", "Newer"]
    assert entry_titles(newest) == ["Newer", "Cobalt mines"]
    assert "most relevant first" in text(parse(relevant).xpath("//p[@class='result-count']")[0])
    assert "newest first" in text(parse(newest).xpath("//p[@class='result-count']")[0])
    assert title_marks(newest) == [[], ["Cobalt"]]


def test_the_sort_choice_is_a_labelled_control_of_the_get_form(client):
    StoryFactory(title="Cobalt")

    page = parse(search(client, "cobalt", sort="newest"))

    [form] = page.xpath("//form[@method='get'][.//select[@name='sort']]")
    [select] = form.xpath(".//select[@name='sort']")
    assert form.xpath(f".//label[@for='{select.get('id')}']")
    assert select.xpath("./option/@value") == ["relevance", "newest"]
    assert [text(o) for o in select.xpath("./option")] == ["Most relevant", "Newest first"]
    assert select.xpath("./option[@selected]/@value") == ["newest"]
    assert form.xpath(".//button[@type='submit']")
    default = parse(search(client, "cobalt")).xpath("//select[@name='sort']/option[@selected]")
    assert default == []  # the first choice, Most relevant, is the browser's default


def test_next_pages_and_downloads_carry_the_sort_and_the_feed_leaves_it_out(client):
    for n in range(25):
        StoryFactory(title=f"Cobalt {n}")

    page = parse(search(client, "cobalt", sort="newest"))

    [next_page] = page.xpath("//nav[@class='pagination']//a[@rel='next']/@href")
    assert parse_qs(urlsplit(next_page).query) == {
        "q": ["cobalt"],
        "sort": ["newest"],
        "page": ["2"],
    }
    downloads = page.xpath("//main//a[contains(@class, 'export-link')]/@href")
    assert downloads
    for href in downloads:
        assert parse_qs(urlsplit(href).query) == {"q": ["cobalt"], "sort": ["newest"]}
    [feed] = page.xpath("//main//a[@class='feed-link']/@href")
    [alternate] = page.xpath("//head/link[@type='application/rss+xml']/@href")
    for href in (feed, alternate):
        assert parse_qs(urlsplit(href).query) == {"q": ["cobalt"]}


def test_a_download_is_in_the_order_of_its_page(client, ranked_apart):
    assert [row["title"] for row in csv_rows(export(client, "q=cobalt"))] == [
        "Cobalt mines",
        "Newer",
    ]
    assert [row["title"] for row in csv_rows(export(client, "q=cobalt&sort=newest"))] == [
        "Newer",
        "Cobalt mines",
    ]


def test_a_newest_first_download_holds_the_bounded_set_however_it_is_chunked(client, monkeypatch):
    """Newest first or not, a search's download holds its newest RANKED_MATCHES matches,
    even read a row at a time (a keyset walk would move the window past the bound)."""
    monkeypatch.setattr(query, "RANKED_MATCHES", 2)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    monkeypatch.setattr(exports, "FIRST_CHUNK_SIZE", 1)
    for days in (1, 2, 3):
        StoryFactory(title=f"Union {days}", published_at=days_ago(days))

    rows = csv_rows(export(client, "q=union&sort=newest"))

    assert [row["title"] for row in rows] == ["Union 1", "Union 2"]
    assert found(client, "union", sort="newest") == ["Union 1", "Union 2"]


def test_a_full_newest_first_search_says_it_lists_the_newest_matches(client, monkeypatch):
    monkeypatch.setattr(query, "RANKED_MATCHES", 3)
    for n in range(5):
        ArticleFactory(title=f"Workers {n}", published_at=days_ago(n + 1))

    response = search(client, "workers", sort="newest")

    note = text(parse(response).xpath("//p[@class='result-count']")[0])
    assert note.startswith("3+ results") and "The newest 3 matches" in note
    assert "most relevant" not in note
    assert entry_titles(response) == ["Workers 0", "Workers 1", "Workers 2"]


@pytest.mark.parametrize("sort", ["", "relevance", "newest"])
def test_the_search_feed_is_newest_first_whatever_the_sort(client, ranked_apart, sort):
    params = {"q": "cobalt", **({"sort": sort} if sort else {})}

    response = client.get(reverse("feeds:search", kwargs={"fmt": "rss"}), params)

    assert response.status_code == 200
    titles = lxml.etree.fromstring(response.content).xpath("//item/title/text()")
    assert titles == ["Newer", "Cobalt mines"]


def test_the_sort_changes_nothing_without_a_text_query(client):
    StoryFactory(title="Older", published_at=days_ago(5))
    StoryFactory(title="Newest", published_at=days_ago(1))

    for sort in ("relevance", "newest"):
        response = client.get(SEARCH, {"sort": sort})
        assert response.status_code == 200
        assert entry_titles(response) == ["Newest", "Older"]


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("q=cobalt&sort=oldest", "Sort by"),
        ("q=cobalt&sort=NEWEST", "Sort by"),
        ("sort=bogus", "Sort by"),
        ("q=cobalt&sort=newest&sort=relevance", "only once"),
        ("q=cobalt&sort=%00", "not allowed"),
    ],
)
def test_a_bad_sort_is_a_400_with_the_form_on_pages_and_downloads(client, query_string, message):
    StoryFactory(title="Cobalt")

    response = client.get(f"{SEARCH}?{query_string}")

    assert response.status_code == 400
    page = parse(response)
    assert message in text(page.xpath("//*[@role='alert']")[0])
    assert "Cobalt" not in entry_titles(response)
    if message == "Sort by":  # the control with the bad value says so
        assert page.xpath("//select[@name='sort'][@aria-invalid='true']")
    for fmt in ("csv", "json"):
        download = client.get(reverse("search:export", kwargs={"fmt": fmt}) + f"?{query_string}")
        assert download.status_code == 400


def test_an_empty_sort_is_the_default(client, ranked_apart):
    assert found(client, "cobalt", sort="") == ["Cobalt mines", "Newer"]


def test_a_topic_page_takes_the_sort_too(client):
    topic = TopicFactory(slug="mining")
    StoryFactory(title="Newer", body="<p>cobalt</p>", topics=[topic], published_at=days_ago(1))
    StoryFactory(title="Cobalt mines", topics=[topic], published_at=days_ago(30))
    url = topic.get_absolute_url()

    assert entry_titles(client.get(url, {"q": "cobalt"})) == ["Cobalt mines", "Newer"]
    assert entry_titles(client.get(url, {"q": "cobalt", "sort": "newest"})) == [
        "Newer",
        "Cobalt mines",
    ]
    assert client.get(url, {"q": "cobalt", "sort": "bogus"}).status_code == 400


# --- PostgreSQL: the configurations ---------------------------------------------------


def stored_lexemes(language: str) -> str:
    from search.fulltext.index import StoredVector

    return Item.objects.annotate(v=StoredVector(language)).values_list("v", flat=True).get()


@pytest.mark.postgres
def test_stored_vectors_hold_words_without_accents_and_no_accented_stop_words():
    StoryFactory(
        title="Title",
        title_fr="Les défenseurs ont été arrêtés à Lomé",
        title_de="Gewerkschaftsführer für Menschenrechte",
        title_pt="Ações não violentas",
    )

    french, german, portuguese = (stored_lexemes(code) for code in ("fr", "de", "pt"))

    assert "'defenseur'" in french and "'lom'" in french and "'arret'" in french
    assert "é" not in french
    assert "'ete'" not in french and "'a'" not in french  # "été", "à": stop words
    assert "'fur'" not in german and "'gewerkschaftsfuhr'" in german  # "für": a stop word
    assert "'nao'" not in portuguese and "ã" not in portuguese and "õ" not in portuguese


@pytest.mark.postgres
def test_every_language_searches_with_its_accent_folding_configuration():
    from search.fulltext.index import CONFIGS

    with connection.cursor() as cursor:
        for code, config in CONFIGS.items():
            cursor.execute(
                "SELECT to_tsvector(%s::regconfig, 'Lomé'), websearch_to_tsquery(%s, 'LOME')",
                [config, config],
            )
            vector, tsquery = cursor.fetchone()
            assert "é" not in vector and "lom" in vector, (code, vector)
            assert "lom" in tsquery, (code, tsquery)
