"""Which companies and topics an entry names, in any language, and the entry's text with
those names (and the watched keywords) marked.

A name matches as a whole word, whatever its case: "Meta" in "Meta's new policy", not in
"metadata". Names in scripts written without spaces (Chinese, Japanese) match anywhere.
Topics match by their title in every site language; companies by their name.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from companies.models import Company
from monitoring.models import WatchKeyword, fold
from resource_centre.i18n import columns
from stories.models import Topic

#: Names shorter than this match too much ("AI", "Go") unless written in capitals.
MIN_NAME_CHARS = 3


def _spaced(char: str) -> bool:
    """Whether a name ending in `char` must end a word: not in scripts without spaces."""
    return char.isalnum() and not ("\u2e80" <= char <= "\ua4cf" or "\uac00" <= char <= "\ud7af")


def _pattern(name: str) -> str:
    body = r"\s+".join(re.escape(part) for part in name.split())
    start = r"(?<!\w)" if _spaced(name[0]) else ""
    end = r"(?!\w)" if _spaced(name[-1]) else ""
    return f"{start}{body}{end}"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    kind: str  # "company", "topic" or "keyword"
    target: object  # the Company, Topic or WatchKeyword


class NameMatcher:
    """Finds the names of `targets` ((kind, name, object) triples) in texts."""

    def __init__(self, targets):
        self.by_name: dict[str, list[tuple[str, object]]] = {}
        for kind, name, target in targets:
            name = " ".join((name or "").split())
            if len(name) < MIN_NAME_CHARS and not name.isupper():
                continue
            if name:
                self.by_name.setdefault(fold(name), []).append((kind, target))
        # Longest first, so that "Meridian Telecom" wins over "Meridian".
        names = sorted(self.by_name, key=len, reverse=True)
        self.regex = (
            re.compile("|".join(_pattern(name) for name in names), re.IGNORECASE) if names else None
        )

    @classmethod
    def for_inbox(cls, keywords=True) -> "NameMatcher":
        """Every company and topic (each topic's title in every language), and the watched
        keywords: three queries."""
        targets = [("company", company.name, company) for company in Company.objects.all()]
        for topic in Topic.objects.all():
            for name in {getattr(topic, field) for field in columns("title")}:
                targets.append(("topic", name, topic))
        if keywords:
            targets += [("keyword", kw.keyword, kw) for kw in WatchKeyword.objects.all()]
        return cls(targets)

    def matches(self, text: str) -> list[Match]:
        if self.regex is None or not text:
            return []
        found = []
        for hit in self.regex.finditer(text):
            for kind, target in self.by_name.get(fold(hit.group()), ()):
                found.append(Match(hit.start(), hit.end(), kind, target))
        return found

    def targets(self, text: str, kind: str) -> list:
        """The distinct objects of `kind` named in `text`, in order of first mention."""
        seen = []
        for match in self.matches(text):
            if match.kind == kind and match.target not in seen:
                seen.append(match.target)
        return seen

    def names_of(self, target) -> list[str]:
        """The folded names `target` is known by (for a database prefilter)."""
        return [name for name, pairs in self.by_name.items() if any(t == target for _k, t in pairs)]

    def highlight(self, text: str) -> SafeString:
        """`text` escaped, each name found in it in a `<mark>` saying what it names."""
        out, position = [], 0
        spans = {}
        for match in self.matches(text):
            spans.setdefault((match.start, match.end), match.kind)
        for (start, end), kind in sorted(spans.items()):
            if start < position:
                continue
            out.append(escape(text[position:start]))
            out.append(f'<mark class="rc-match rc-match--{kind}">{escape(text[start:end])}</mark>')
            position = end
        out.append(escape(text[position:]))
        return mark_safe("".join(out))  # every piece of text is escaped above
