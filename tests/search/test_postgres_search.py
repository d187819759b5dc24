"""PostgreSQL full-text search: stemming and ranking per language, CJK substring search,
SearchHeadline highlighting, and the indexes actually used (GIN for a rare word, the
newest-first index for a common one)."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from search.filters import filter_items
from search.fulltext.query import RANKED_MATCHES
from stories.models import Item
from tests.factories import StoryFactory, days_ago
from tests.html import entries, entry_titles, parse
from tests.search.test_exports import make_items

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def search(client, query, language):
    with translation.override(language):
        url = reverse("search:results")
    response = client.get(url, {"q": query})
    assert response.status_code == 200, response.content[:300]
    return response


def title_marks(response) -> list[list[str]]:
    return [
        [m.text_content() for m in entry.xpath(".//*[contains(@class, 'entry-title')]//mark")]
        for entry in entries(response)
    ]


def test_english_stemming_ranking_and_highlighting(client):
    StoryFactory(title="Annual review", body="<p>The company mined cobalt.</p>")
    StoryFactory(title="Mines flooded", published_at=days_ago(40))
    StoryFactory(title="Quarterly review", summary="Mining communities protested.")

    response = search(client, "mining", "en")

    assert entry_titles(response) == ["Mines flooded", "Quarterly review", "Annual review"]
    assert title_marks(response)[0] == ["Mines"]
    excerpts = [e.xpath(".//*[contains(@class,'entry-excerpt')]//mark") for e in entries(response)]
    assert [m.text_content() for m in excerpts[1]] == ["Mining"]
    assert [m.text_content() for m in excerpts[2]] == ["mined"]


def test_french_search_uses_french_stemming_and_highlights(client):
    StoryFactory(title="Migrant workers", title_fr="Les travailleurs migrants exploités")
    StoryFactory(title="Other", title_fr="Autre chose", summary_fr="Un travailleur blessé.")
    StoryFactory(title="Nothing", title_fr="Rien à voir")

    response = search(client, "travailleur", "fr")

    assert entry_titles(response) == ["Les travailleurs migrants exploités", "Autre chose"]
    assert title_marks(response)[0] == ["travailleurs"]
    assert parse(response).xpath("//main//article//a[@lang]/@lang") in ([], ["fr"], ["fr", "fr"])


def test_arabic_search_matches_other_forms_of_the_word_ranked_and_highlighted(client):
    StoryFactory(title="Report", title_ar="تقرير عن العمال", summary_ar="الشركة ترفض الاتهامات")
    StoryFactory(
        title="Companies abuse rights",
        title_ar="الشركات تنتهك حقوق العمال",
        published_at=days_ago(30),
    )
    StoryFactory(title="Unrelated", title_ar="تقرير سنوي")

    response = search(client, "الشركة", "ar")

    assert entry_titles(response) == ["الشركات تنتهك حقوق العمال", "تقرير عن العمال"]
    assert title_marks(response) == [["الشركات"], []]
    excerpt = entries(response)[1].xpath(".//*[contains(@class, 'entry-excerpt')]//mark")
    assert [m.text_content() for m in excerpt] == ["الشركة"]


@pytest.mark.parametrize(
    ("language", "word", "title", "body_only"),
    [
        ("ja", "人権", "企業の人権侵害が報告された", "<p>報告書は人権について述べた。</p>"),
        ("zh-hans", "人权", "企业侵犯人权的报告", "<p>该报告涉及人权问题。</p>"),
        ("ko", "인권", "기업의 인권 침해 보고서", "<p>보고서는 인권 문제를 다룬다.</p>"),
    ],
)
def test_chinese_japanese_and_korean_find_words_inside_unspaced_text(
    client, language, word, title, body_only
):
    field = language.replace("-", "_")
    StoryFactory(title="Body match", **{f"title_{field}": "年次報告", f"body_{field}": body_only})
    StoryFactory(title="Title match", published_at=days_ago(30), **{f"title_{field}": title})
    StoryFactory(title="No match", **{f"title_{field}": "年次報告書"})

    response = search(client, word, language)

    assert entry_titles(response) == [title, "年次報告"]
    assert title_marks(response)[0] == [word]


def test_japanese_search_also_finds_english_fallback_text(client):
    StoryFactory(title="Cobalt supply chains")

    assert entry_titles(search(client, "cobalt", "ja")) == ["Cobalt supply chains"]


def plan(language: str, query: str) -> str:
    with translation.override(language):
        queryset = filter_items({"q": query}, Item.objects.published()).qs
        sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def merge_pending_and_analyze():
    """As autovacuum would: merge GIN's pending list (rows added since the index was built),
    then gather statistics."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(index.oid) FROM pg_class index "
            "JOIN pg_am ON pg_am.oid = index.relam AND pg_am.amname = 'gin' "
            "JOIN pg_index ON pg_index.indexrelid = index.oid "
            "WHERE pg_index.indrelid = 'stories_item'::regclass"
        )
        cursor.execute("ANALYZE stories_item")


def executed_plan(query: str, page: int = 20) -> dict:
    """EXPLAIN ANALYZE (JSON) of the first `page` ids of the search page's list."""
    queryset = filter_items({"q": query}, Item.objects.published()).qs
    sql, params = queryset.values("pk")[:page].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        document = cursor.fetchone()[0]
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


def rows_matched(plan: dict) -> int:
    """Rows whose stored vector the plan tested against the query (`@@`), all loops."""
    tested = 0
    for node in plan_nodes(plan):
        conditions = " ".join(node.get(key, "") for key in ("Filter", "Recheck Cond"))
        if "@@" in conditions and node.get("Relation Name") == "stories_item":
            removed = node.get("Rows Removed by Filter", 0)
            removed += node.get("Rows Removed by Index Recheck", 0)
            tested += (node["Actual Rows"] + removed) * node["Actual Loops"]
    return tested


def rows_ranked(plan: dict) -> int:
    """Rows the plan sorted by ts_rank."""
    return sum(
        child["Actual Rows"] * child["Actual Loops"]
        for node in plan_nodes(plan)
        if "ts_rank" in " ".join(node.get("Sort Key", ()))
        for child in node["Plans"]
    )


@pytest.mark.parametrize(
    ("language", "query", "indexes"),
    [
        ("en", "mining", ["item_fts_en"]),
        ("fr", "travailleur", ["item_fts_fr", "item_fts_en"]),
        ("ar", "الشركة", ["item_fts_ar", "item_fts_en"]),
        ("ja", "人権", ["item_fts_ja", "item_fts_en"]),
        ("zh-hans", "人", ["item_fts_zh_hans", "item_fts_en"]),
        ("ko", "인권", ["item_fts_ko", "item_fts_en"]),
    ],
)
def test_search_is_answered_from_the_gin_indexes(language, query, indexes):
    # A realistic number of published rows, so that filtering on status is no shortcut.
    make_items(20_000)
    merge_pending_and_analyze()

    explained = plan(language, query)

    for index in indexes:
        assert f"Bitmap Index Scan on {index}" in explained, explained
    assert "Seq Scan on stories_item" not in explained, explained


def test_a_common_word_reads_its_newest_matches_only_and_a_rare_one_its_index():
    """20,000 items all say "happened" (in their summary); a few say "cobalt". The common
    word is ranked over its newest RANKED_MATCHES matches, read by walking the newest-first
    index, not over all 20,000; the rare word's matches come from the GIN index."""
    make_items(20_000)
    StoryFactory(title="Cobalt mines", summary="It happened again.")
    StoryFactory(title="Refinery", body="<p>The cobalt was refined.</p>", published_at=days_ago(9))
    merge_pending_and_analyze()

    common = executed_plan("happened")
    rare = executed_plan("cobalt")

    common_scans = {node.get("Index Name") for node in plan_nodes(common)}
    assert common_scans & {"item_public_newest", "item_status_published"}, common
    assert "item_fts_en" not in common_scans, common
    assert rows_matched(common) <= RANKED_MATCHES + 1, common
    assert rows_ranked(common) == RANKED_MATCHES, common
    assert common["Actual Rows"] == 20
    assert "item_fts_en" in {node.get("Index Name") for node in plan_nodes(rare)}, rare
    assert rows_ranked(rare) == 2, rare
    assert rare["Actual Rows"] == 2


def test_a_longer_japanese_word_must_appear_as_written_and_one_character_finds_words(client):
    StoryFactory(title="Together", title_ja="企業の人権侵害")
    StoryFactory(title="Apart", title_ja="人権と侵害", published_at=days_ago(5))

    assert entry_titles(search(client, "人権侵害", "ja")) == ["企業の人権侵害"]
    assert entry_titles(search(client, "侵", "ja")) == ["企業の人権侵害", "人権と侵害"]


def test_stored_vectors_equal_the_vectors_the_index_module_computes():
    """The migration's frozen SQL and search.fulltext.index.search_vector() agree, in every
    language, so a search reads exactly what the code would index."""
    from resource_centre.i18n import LANGUAGE_CODES
    from search.fulltext.index import StoredVector, search_vector
    from tests.factories import ArticleFactory

    ArticleFactory(
        title="Cobalt miners",
        summary="Workers <b>protest</b>",
        body="<p>Mining in Kolwezi</p>",
        title_fr="Les mineurs",
        title_ar="عمال المناجم",
        title_ja="人権侵害の報告",
        body_zh_hans="<p>人权</p>",
        summary_ko="인권 침해",
        author="Ann Author",
    )
    for code in LANGUAGE_CODES:
        row = (
            Item.objects.annotate(computed=search_vector(code), stored=StoredVector(code))
            .values("computed", "stored")
            .get()
        )
        assert row["stored"] == row["computed"], code
    assert "'ann':" in Item.objects.annotate(v=StoredVector("en")).values_list("v", flat=True)[0]


def python_bigrams(text: str) -> str:
    """Every pair of neighbouring characters, then the last character, joined by spaces."""
    if len(text) < 2:
        return text
    return " ".join(text[i : i + 2] for i in range(len(text) - 1)) + " " + text[-1]


@pytest.mark.parametrize(
    "text",
    ["", "人", "人権", "企業の人権侵害", "Big Co 中国", "a b", "  ", "行\n改行\n", "a\tb\r\nc"]
    + ["한국어 ok", "\n"],
)
def test_the_cjk_pairs_function_gives_every_pair_of_characters_then_the_last(text):
    """The regular-expression version gives, for any text, exactly what the first version's
    loop over every position gave, so the CJK vectors stored before it stay right."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rc_cjk_bigrams(%s)", [text])
        assert cursor.fetchone()[0] == python_bigrams(text)


def test_cjk_vectors_stored_before_the_faster_pairs_function_match_it():
    """An item written while the first version (a loop) computed the pairs keeps vectors
    equal to those the regular-expression version computes: migration 0014 rewrites no
    row. (The function is replaced inside the test's transaction, rolled back after.)"""
    import importlib

    from search.fulltext.index import BIGRAMS_FUNCTION_SQL, StoredVector, search_vector
    from tests.factories import ArticleFactory

    migration = importlib.import_module("stories.migrations.0014_faster_cjk_bigrams")
    with connection.cursor() as cursor:
        cursor.execute(migration.LOOP_FUNCTION_SQL)
    ArticleFactory(
        title="Cobalt miners",
        title_ja="人権侵害の報告",
        body_zh_hans="<p>人权\n报告</p>",
        summary_ko="인권 침해",
        author="Ann Author",
    )
    with connection.cursor() as cursor:
        cursor.execute(BIGRAMS_FUNCTION_SQL)
    for code in ("ja", "ko", "zh-hans"):
        row = (
            Item.objects.annotate(computed=search_vector(code), stored=StoredVector(code))
            .values("computed", "stored")
            .get()
        )
        assert row["stored"] == row["computed"], code
        assert row["stored"], code
