"""Interface translations: the catalogues under locale/ are complete for every language of
settings.LANGUAGES but English (the language of the code), in step with the strings marked in
the code, and compile; pages, dates and plurals come out in the visitor's language."""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import to_locale

from tests.factories import ArticleFactory, StoryFactory, TopicFactory
from tests.html import parse, text

LOCALE = Path(settings.BASE_DIR, "locale")
# Every language a visitor can choose, but the one the code is written in: a language added to
# settings.LANGUAGES fails here until its catalogue exists and is complete.
REQUIRED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
MAKEMESSAGES = (
    "DJANGO_SETTINGS_MODULE=resource_centre.test_settings .venv/bin/python manage.py "
    f"makemessages {' '.join(f'-l {to_locale(code)}' for code in REQUIRED)} --ignore=.venv "
    "--ignore=tests --ignore=bench --no-obsolete"
)
# What `make`'s makemessages leaves out (--ignore), plus build outputs.
NOT_SCANNED = {"locale", "tests", "bench", "staticfiles", "media", "test-results"}
ENTRY_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: {"msgid", "msgid_plural", "msgstr": [...], "flags"}.
    Obsolete (#~) entries are left out; the header is the entry whose msgid is ""."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := ENTRY_LINE.match(line):
            key, value = match.groups()
            _store(entry, key, value)
        elif line.startswith('"') and key:
            _store(entry, key, line[1:-1])
        else:
            raise AssertionError(f"{path}: cannot read line {line!r}")
    return entries


def _store(entry, key, value):
    if key.startswith("msgstr"):
        entry["msgstr"][key] = entry["msgstr"].get(key, "") + value
    else:
        entry[key] = (entry.get(key) or "") + value


def messages(path: Path) -> list[dict]:
    return [e for e in po_entries(path) if e["msgid"]]


def header(path: Path) -> dict:
    return next(e for e in po_entries(path) if not e["msgid"])


def nplurals(path: Path) -> int:
    return int(re.search(r"nplurals=(\d+)", header(path)["msgstr"]["msgstr"]).group(1))


def catalogue(language: str) -> Path:
    """The catalogue of a language code: Django looks for "zh-hans" under locale/zh_Hans/."""
    return LOCALE / to_locale(language) / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def compiled_catalogues():
    """The page tests read the compiled catalogues, which `make messages` builds."""
    stale = [
        str(po.relative_to(settings.BASE_DIR))
        for po in CATALOGUES
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        pytest.fail(f"Compiled catalogues missing or older than {stale}: run `make messages`.")


# --- The catalogues -------------------------------------------------------------------------


def test_catalogues_live_in_the_project_locale_folder_only():
    app_catalogues = [
        str(po.relative_to(settings.BASE_DIR))
        for po in Path(settings.BASE_DIR).glob("*/**/locale/*/LC_MESSAGES/*.po")
        if ".venv" not in po.parts
    ]
    assert app_catalogues == []
    assert {po.parent.parent.name for po in CATALOGUES} >= {to_locale(c) for c in REQUIRED}


def test_every_language_but_english_is_required():
    assert settings.LANGUAGE_CODE == "en"
    assert sorted(REQUIRED) == sorted(["es", "fr", "de", "pt", "ru", "ar", "zh-hans", "ja", "ko"])
    assert "-l zh_Hans" in MAKEMESSAGES


@pytest.mark.parametrize("language", REQUIRED)
def test_every_interface_string_is_translated_and_reviewed(language):
    path = catalogue(language)
    forms = nplurals(path)
    untranslated = [
        e["msgid"]
        for e in messages(path)
        if not all(e["msgstr"].values())
        or (e["msgid_plural"] is not None and len(e["msgstr"]) != forms)
    ]
    fuzzy = [e["msgid"] for e in messages(path) if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{language}: untranslated (or missing plural forms)"
    assert fuzzy == [], f"{language}: fuzzy entries are ignored when compiled"
    assert "fuzzy" not in header(path)["flags"], "a fuzzy header drops the Plural-Forms line"


def test_arabic_catalogue_has_six_plural_forms_and_fills_them_all():
    path = catalogue("ar")
    assert nplurals(path) == 6
    plurals = [e for e in messages(path) if e["msgid_plural"] is not None]
    assert plurals
    assert all(len(e["msgstr"]) == 6 and all(e["msgstr"].values()) for e in plurals)


@pytest.mark.parametrize(("language", "forms"), [("pt", 2), ("ru", 3), ("zh-hans", 1), ("ko", 1)])
def test_catalogues_have_the_plural_forms_of_their_language(language, forms):
    """Russian: one (1, 21), few (2-4, 22), many (5-20, 11-14); Chinese and Korean: one form."""
    path = catalogue(language)
    assert nplurals(path) == forms
    assert f"Language: {to_locale(language)}\\n" in path.read_text(encoding="utf-8")
    plurals = [e for e in messages(path) if e["msgid_plural"] is not None]
    assert plurals
    assert all(len(e["msgstr"]) == forms for e in plurals)


@pytest.mark.parametrize(
    ("number", "count"),
    [
        (1, "1 материал"),
        (2, "2 материала"),
        (5, "5 материалов"),
        (11, "11 материалов"),
        (12, "12 материалов"),
        (21, "21 материал"),
        (22, "22 материала"),
        (111, "111 материалов"),
    ],
)
def test_russian_counts_take_the_case_their_number_asks_for(compiled_catalogues, number, count):
    with translation.override("ru"):
        shown = translation.ngettext("%(shown)s item", "%(shown)s items", number)
    assert shown % {"shown": number} == count


@pytest.mark.parametrize("language", [code for code in REQUIRED if code != "fr"])
def test_every_catalogue_holds_the_messages_of_the_french_one(language):
    """The French catalogue is checked against the code below; the others against it, so a
    language regenerated on its own cannot lag behind or run ahead."""
    french = {(e["msgid"], e["msgid_plural"]) for e in messages(catalogue("fr"))}
    other = {(e["msgid"], e["msgid_plural"]) for e in messages(catalogue(language))}
    assert sorted(french - other, key=str) == [], f"{language} lacks these: run {MAKEMESSAGES}"
    assert sorted(other - french, key=str) == [], f"{language} has these extra: {MAKEMESSAGES}"


@pytest.mark.parametrize("language", REQUIRED)
def test_translations_keep_every_placeholder_of_the_english(language):
    """msgfmt checks %(name)s only in entries flagged python-format; this covers the rest."""
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    wrong = []
    for e in messages(catalogue(language)):
        wanted = set(placeholder.findall(e["msgid"]))
        for key, value in e["msgstr"].items():
            found = set(placeholder.findall(value))
            # A plural form may spell its number out ("نتيجتان"), never add a placeholder.
            if found - wanted or (e["msgid_plural"] is None and found != wanted):
                wrong.append((e["msgid"], key))
    assert wrong == []


@pytest.mark.parametrize("path", CATALOGUES, ids=[po.parent.parent.name for po in CATALOGUES])
def test_catalogue_compiles_without_errors(path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed to compile messages (apt-get install gettext)"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages" in result.stderr


def test_catalogues_hold_every_string_marked_for_translation(tmp_path, monkeypatch):
    """makemessages, run on a copy, finds no string the French catalogue lacks and none it no
    longer needs: a new or changed interface string fails here until the catalogues are
    regenerated and translated."""
    # makemessages writes next to any locale/ folder it walks past, so it runs in a mirror of
    # the project (symlinks to the code, no locale/) and writes to a copy of the catalogue.
    source = tmp_path / "project"
    source.mkdir()
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in NOT_SCANNED and not entry.name.startswith("."):
            (source / entry.name).symlink_to(entry)
    copy = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(catalogue("fr"), copy)
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["fr"], symlinks=True, no_obsolete=True, verbosity=0)

    marked = {(e["msgid"], e["msgid_plural"]) for e in messages(copy)}
    committed = {(e["msgid"], e["msgid_plural"]) for e in messages(catalogue("fr"))}
    assert sorted(marked - committed, key=str) == [], f"Catalogues out of date: run {MAKEMESSAGES}"
    assert sorted(committed - marked, key=str) == [], f"Obsolete entries: run {MAKEMESSAGES}"


# --- What visitors see ----------------------------------------------------------------------

PUBLISHED = dt.datetime(2021, 5, 12, 10, 30, tzinfo=dt.UTC)


def get(client, language, name="home", **kwargs):
    with translation.override(language):
        url = reverse(name, **kwargs)
    response = client.get(url)
    assert response.status_code == 200
    return parse(response)


def search_button(page) -> str:
    return text(page.xpath("//form[@role='search']//button")[0])


def calls_to_action(page) -> list[str]:
    return [
        " ".join(a.xpath("text()")).strip()
        for a in page.xpath("//p[contains(@class, 'entry-action')]/a")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "search", "read_more", "see_full_story", "latest", "skip"),
    [
        ("fr", "Rechercher", "Lire la suite", "Voir l'article complet", "Dernières actualités",
         "Aller au contenu"),
        ("es", "Buscar", "Leer más", "Ver el reportaje completo", "Últimas noticias",
         "Ir al contenido"),
        ("ar", "بحث", "اقرأ المزيد", "اقرأ القصة كاملة", "آخر الأخبار", "انتقل إلى المحتوى"),
        ("de", "Suchen", "Weiterlesen", "Ganze Geschichte lesen", "Neueste Nachrichten",
         "Zum Inhalt springen"),
        ("pt", "Pesquisar", "Ler mais", "Ver a reportagem completa", "Últimas notícias",
         "Saltar para o conteúdo"),
        ("ru", "Поиск", "Читать далее", "Читать репортаж полностью", "Последние новости",
         "Перейти к содержанию"),
        ("ja", "検索", "続きを読む", "特集の全文を読む", "最新ニュース", "本文へスキップ"),
        ("zh-hans", "搜索", "阅读更多", "查看完整专题", "最新动态", "跳至主要内容"),
        ("ko", "검색", "더 읽기", "특집 전체 보기", "최신 뉴스", "본문 바로가기"),
    ],
)  # fmt: skip
def test_home_page_interface_is_in_the_visitors_language(
    client, compiled_catalogues, language, search, read_more, see_full_story, latest, skip
):
    ArticleFactory()
    StoryFactory()
    with translation.override(language):
        assert reverse("home") == f"/{language}/"

    page = get(client, language)

    assert page.get("lang") == language
    assert search_button(page) == search
    assert sorted(calls_to_action(page)) == sorted([read_more, see_full_story])
    assert text(page.xpath("//h2[@id='latest-heading']")[0]) == latest
    assert text(page.xpath("//a[@class='skip-link']")[0]) == skip
    assert "Read more" not in calls_to_action(page)


@pytest.mark.django_db
def test_arabic_pages_read_right_to_left_and_french_left_to_right(client, compiled_catalogues):
    assert get(client, "ar").get("dir") == "rtl"
    assert get(client, "fr").get("dir") == "ltr"
    assert get(client, "en").get("dir") == "ltr"


@pytest.mark.django_db
def test_english_pages_keep_the_english_interface(client, compiled_catalogues):
    ArticleFactory()

    page = get(client, "en")

    assert search_button(page) == "Search"
    assert calls_to_action(page) == ["Read more"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "date"),
    [
        ("en", "12 May 2021"),
        ("fr", "12 mai 2021"),
        ("es", "12 de mayo de 2021"),
        ("de", "12. Mai 2021"),
        ("ja", "2021年5月12日"),
    ],
)
def test_item_page_gives_its_date_in_the_visitors_language(
    client, compiled_catalogues, language, date
):
    article = ArticleFactory(published_at=PUBLISHED)
    with translation.override(language):
        url = article.get_absolute_url()

    page = parse(client.get(url))

    published = page.xpath("//main//p[@class='meta']/time")[0]
    assert published.get("datetime").startswith("2021-05-12T10:30:00")
    assert text(published) == date


@pytest.mark.django_db
def test_list_entries_give_dates_in_the_visitors_language(client, compiled_catalogues):
    ArticleFactory(published_at=PUBLISHED)

    dates = {
        language: [text(t) for t in get(client, language).xpath("//p[@class='entry-meta']/time")]
        for language in ("fr", "ja")
    }

    assert dates == {"fr": ["12 mai 2021"], "ja": ["2021年5月12日"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "items", "count"),
    [
        ("fr", 1, "1 contenu"),
        ("fr", 3, "3 contenus"),
        ("es", 3, "3 contenidos"),
        ("ar", 1, "عنصر واحد"),
        ("ar", 2, "عنصران"),
        ("ar", 3, "3 عناصر"),
        ("pt", 1, "1 conteúdo"),
        ("pt", 3, "3 conteúdos"),
        ("ru", 1, "1 материал"),
        ("ru", 3, "3 материала"),
        ("ru", 5, "5 материалов"),
        ("zh-hans", 3, "3 条内容"),
        ("ko", 3, "자료 3건"),
    ],
)
def test_counts_use_the_plural_forms_of_the_language(
    client, compiled_catalogues, language, items, count
):
    topic = TopicFactory(title_fr="Thème", title_es="Tema", title_ar="موضوع")
    ArticleFactory.create_batch(items, topics=[topic])

    page = get(client, language, "stories:topic_detail", kwargs={"slug": topic.slug})

    assert text(page.xpath("//p[@class='result-count']")[0]) == count


@pytest.mark.django_db
def test_missing_translation_note_is_written_in_the_visitors_language(client, compiled_catalogues):
    article = ArticleFactory(title="Only in English")
    with translation.override("fr"):
        url = article.get_absolute_url()

    note = text(parse(client.get(url)).xpath("//p[@class='language-note']")[0])

    assert note.startswith("Cette page n'est pas disponible dans votre langue (Français)")
    assert note.endswith("English.")
