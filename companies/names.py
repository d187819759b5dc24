"""Company names as the index reads them: their initial (for the A–Z bar) and the patterns
that find a word in a name whatever its case and accents.

Both are regular expressions the database runs (PostgreSQL's `~`, SQLite's REGEXP, which
Django implements with Python's `re`), built here with every case and accented form of a
letter spelled out: neither database then needs an extension (`unaccent`) or a locale that
folds case beyond ASCII (SQLite's LIKE does not), and both answer alike.

A Latin letter with a diacritic counts as its base letter ("Électricité" is under E and
found by "electricite"); any other initial (a digit, another script, a sign) is under "#".
"""

import re
import string
import unicodedata
from functools import cache

#: The initials of the A–Z bar, then the one for every other initial.
LETTERS = tuple(string.ascii_uppercase)
OTHER = "#"
INITIALS = (*LETTERS, OTHER)

#: Latin letters that Unicode does not decompose into a base letter and a diacritic.
_UNDECOMPOSED = {
    "Æ": "A",
    "æ": "A",
    "Ø": "O",
    "ø": "O",
    "Œ": "O",
    "œ": "O",
    "Ł": "L",
    "ł": "L",
    "Đ": "D",
    "đ": "D",
    "Ð": "D",
    "ð": "D",
    "Þ": "T",
    "þ": "T",
    "ß": "S",
    "ı": "I",
}
#: The blocks of Latin letters with diacritics: Latin-1 Supplement, Latin Extended-A and -B,
#: Latin Extended Additional (Vietnamese and others).
_LATIN_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def _decomposed_letter(char: str) -> str | None:
    if char in _UNDECOMPOSED:
        return _UNDECOMPOSED[char]
    first = unicodedata.normalize("NFKD", char)[:1]
    if char.isalpha() and first.isascii() and first.isalpha():
        return first.upper()
    return None


@cache
def letter_forms() -> dict[str, str]:
    """Every form of each letter A–Z, upper and lower case, accented or not: {"E": "EeÈÉ…"}."""
    forms = {letter: {letter, letter.lower()} for letter in LETTERS}
    for start, end in _LATIN_RANGES:
        for point in range(start, end + 1):
            char = chr(point)
            letter = _decomposed_letter(char)
            if letter is not None:
                forms[letter].add(char)
    for char, letter in _UNDECOMPOSED.items():
        forms[letter].add(char)
    return {letter: "".join(sorted(chars)) for letter, chars in forms.items()}


@cache
def _letter_of_form() -> dict[str, str]:
    return {char: letter for letter, chars in letter_forms().items() for char in chars}


def base_letter(char: str) -> str | None:
    """The A–Z letter `char` is a form of ("é" -> "E", "ø" -> "O"), or None: exactly the
    characters the patterns below spell out, so a name's initial and the filter agree."""
    return _letter_of_form().get(char)


def initial_of(name: str) -> str:
    """The initial `name` is listed under: a letter A–Z, or "#" (as `initial_pattern()`
    reads it: the very first character, so a name starting with a space or a quote mark is
    under "#")."""
    return base_letter(name[:1]) or OTHER


def initial_pattern(letter: str) -> str:
    """The pattern of names starting with a form of `letter` (A–Z); for "#", of names
    starting with any of them (which the "#" filter leaves out)."""
    if letter == OTHER:
        return "^[" + "".join(letter_forms().values()) + "]"
    return "^[" + letter_forms()[letter] + "]"


def _char_pattern(char: str) -> str:
    letter = base_letter(char)
    if letter is not None:
        return "[" + letter_forms()[letter] + "]"
    cases = {form for form in (char, char.lower(), char.upper()) if len(form) == 1}
    if len(cases) > 1:  # a letter of another cased script (Cyrillic, Greek, Armenian…)
        return "[" + "".join(sorted(cases)) + "]"
    return re.escape(char)


def word_pattern(word: str) -> str:
    """The pattern finding `word` anywhere in a name, in any case, with or without the
    accents of Latin letters (either side may have them)."""
    return "".join(_char_pattern(char) for char in word)
