"""Accent and case folding, as the SQLite search and the highlighting in Python need it.

`fold()` is what PostgreSQL's `unaccent` dictionary and its lowercasing do to a word
(`search.fulltext.index` indexes with it), for the letters our languages use: "Lomé",
"LOMÉ" and "lome" are all "lome"; "Straße" is "strasse", "Łódź" "lodz", "Ἀθῆναι"
"αθηναι", "ёлка" "елка". It takes accents off Latin and Greek letters (and the diaeresis
off Cyrillic ё, as `unaccent` does) and nothing else: other scripts only lose their case,
because their marks are letters of their own. Japanese ガ stays ガ (not カ), Russian й stays
й, Arabic and Devanagari keep their vowel signs. A combining accent standing on its own (a
stress mark, an accent with no precomposed letter) is dropped, as `unaccent` drops it.

SQLite has no such function: `register_sqlite_functions()` adds `rc_fold(text)` to each
connection (see the `connection_created` receiver), and the fallback search compares
`rc_fold(column)` with the folded word (`search.fulltext.query`).
"""

import re
import unicodedata

from django.db.backends.signals import connection_created
from django.dispatch import receiver

#: The SQL function SQLite connections get (`register_sqlite_functions`).
SQLITE_FUNCTION = "rc_fold"

_COMBINING = range(0x0300, 0x0370)
#: Letters with no canonical decomposition that `unaccent` still folds (its rules file
#: maps them): the ones European languages write.
_LETTERS = {
    "æ": "ae",
    "ð": "d",
    "ø": "o",
    "þ": "th",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "ĳ": "ij",
    "ĸ": "q",
    "ŀ": "l",
    "ł": "l",
    "ŉ": "'n",
    "ŋ": "n",
    "œ": "oe",
    "ŧ": "t",
    "ſ": "s",
    "ﬀ": "ff",
    "ﬁ": "fi",
    "ﬂ": "fl",
    "ﬃ": "ffi",
    "ﬄ": "ffl",
    "ﬅ": "st",
    "ﬆ": "st",
}
#: Where accented Latin and Greek letters, ё and the combining accents are.
_BLOCKS = ((0x00C0, 0x0250), (0x0300, 0x0460), (0x1E00, 0x2000), (0xFB00, 0xFB07))


def _takes_accents_off(base: str) -> bool:
    return unicodedata.name(base, "").startswith(("LATIN ", "GREEK ")) or base == "е"


def _folded_letter(char: str) -> str:
    """One lowercase (casefolded) character, without its accent."""
    if char in _LETTERS:
        return _LETTERS[char]
    if ord(char) in _COMBINING:
        return ""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and all(ord(mark) in _COMBINING for mark in marks) and _takes_accents_off(base):
        return _LETTERS.get(base, base)
    return char


def _table() -> dict[str, str]:
    table = {}
    for start, end in _BLOCKS:
        for code in range(start, end):
            char = chr(code)
            if char.casefold() == char and _folded_letter(char) != char:
                table[char] = _folded_letter(char)
    return table


#: Every casefolded character that folds further, and what it becomes.
_TABLE = _table()
_FOLDABLE = re.compile("[" + "".join(re.escape(char) for char in _TABLE) + "]")


def fold(text: str | None) -> str:
    """`text` without case and accents (see the module's doc); "" for None."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.casefold()
    # A few distinct letters each time (é, è, à...): str.replace is far quicker than a
    # function call per accented letter.
    for char in set(_FOLDABLE.findall(text)):
        text = text.replace(char, _TABLE[char])
    return text


class _CharFolds(dict):
    """`fold()` of one character, worked out once per character."""

    def __missing__(self, char: str) -> str:
        self[char] = folded = fold(char)
        return folded


_CHAR_FOLDS = _CharFolds()


def folded_spans(text: str, terms) -> list[tuple[int, int]]:
    """Where the folded `terms` occur in `text` (`fold()` on both sides), as (start, end)
    offsets into `text`, in order and without overlaps; longer terms win a tie.

    `text` must be NFC-normalised (as `normalize_text()` leaves it) for the offsets to be
    its own: each character is folded on its own, which is what `fold()` does to NFC text.
    """
    folded_terms = sorted({fold(term) for term in terms if term} - {""}, key=len, reverse=True)
    if not text or not folded_terms:
        return []
    if text.isascii():
        folded, owner = text.lower(), None
    else:
        parts = [_CHAR_FOLDS[char] for char in text]
        folded = "".join(parts)
        owner = [index for index, part in enumerate(parts) for _ in part]
    pattern = re.compile("|".join(re.escape(term) for term in folded_terms))
    spans, last_end = [], 0
    for match in pattern.finditer(folded):
        start, end = match.start(), match.end()
        if owner is not None:
            start, end = owner[start], owner[end - 1] + 1
        if start >= last_end:
            spans.append((start, end))
            last_end = end
    return spans


def normalize_text(text: str) -> str:
    """`text` in NFC, the form `folded_spans()` reads offsets in (the same text to a
    reader: only how accented letters are encoded may change)."""
    return unicodedata.normalize("NFC", text or "")


def register_sqlite_functions(connection) -> None:
    """Give an SQLite connection `rc_fold(text)` (deterministic: the same text, the same
    result, so SQLite may reuse a result within a statement)."""
    connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


@receiver(connection_created, dispatch_uid="search.fulltext.folding.sqlite")
def _connection_created(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        register_sqlite_functions(connection)
