"""Topics and the content items listed on them.

Every public item (article, story, opinion, statement and company response) is an `Item`
(multi-table inheritance), so a topic page, a feed, a search or an export is one
newest-first queryset over `Item`, whatever mix of kinds it holds.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from companies.models import Company
from companies.names import word_pattern
from resource_centre.field_help import SLUG_HELP
from resource_centre.i18n import (
    LANGUAGE_CODES,
    LocalizedText,
    column,
    fallback_columns,
    is_translated,
    languages_with,
    localized,
)
from resource_centre.publishing import (
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
)
from resource_centre.richtext import RichTextField
from resource_centre.safe_urls import SafeURLField
from stories.images import LeadImageField, register_sources, validate_image_alt

#: How many words of the body stand in for a missing summary in lists.
EXCERPT_WORDS = 40

IMAGE_HELP = _(
    "JPEG, PNG, WebP or GIF, at most 10 MB and 40 million pixels. Pages show it in "
    "several sizes, made when you save."
)
IMAGE_ALT_HELP = _(
    "What the image shows, for people who cannot see it: required with an image, in "
    "English or the original language."
)
IMAGE_CREDIT_HELP = _("Who made the image or holds its rights, printed under it.")


class TagQuerySet(models.QuerySet):
    def with_label(self, language: str):
        """Each tag with `label`, its name as the admin shows it to an editor working in
        `language`: in that language, else in English, else in any language it has (the
        order `localized()` reads), so a tag never shows up nameless."""
        names = [NullIf(name, Value("")) for name, _code in fallback_columns("name", language)]
        label = Coalesce(*names, Value(""), output_field=models.CharField())
        return self.annotate(label=label).order_by(Lower("label"), "pk")

    def label_contains(self, text: str):
        """Tags (`with_label()`) whose label holds every word of `text`, in any order, case
        and accents of Latin letters, as the company index finds names."""
        queryset = self
        for word in text.split():
            queryset = queryset.filter(label__regex=word_pattern(word))
        return queryset

    def label_is(self, name: str):
        """Tags (`with_label()`) labelled `name`, whatever its case."""
        return self.filter(label__iexact=name.strip())


class Tag(TagBase):
    """A translatable tag: its name is registered with modeltranslation; slugs keep
    non-Latin characters."""

    # taggit's own fields, with a line of help for editors.
    name = models.CharField(
        verbose_name=pgettext_lazy("A tag name", "name"),
        unique=True,
        max_length=100,
        help_text=_(
            "Shown under every item with this tag and in the tag filter of result lists; "
            "unique in each language."
        ),
    )
    slug = models.SlugField(
        verbose_name=pgettext_lazy("A tag slug", "slug"),
        unique=True,
        max_length=100,
        allow_unicode=True,
        help_text=_(
            "The tag in search addresses (?tag=…), filled in from the English name. "
            "Changing it breaks saved searches."
        ),
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = slugify(tag, allow_unicode=True)[:100] or "tag"
        if i is not None:
            slug += f"-{i}"
        return slug


class TaggedItem(ItemBase):
    """A tag on an item. The key points at the `Item` table itself (not a generic relation),
    so an article tagged through its own admin is found by every query over `Item`:
    filters, facets, prefetches and feeds."""

    # Indexed with the item (Meta.indexes): a tag's items read from the index alone.
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )
    content_object = models.ForeignKey(
        "Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("tagged item")
        verbose_name_plural = _("tagged items")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tag_once_per_item")
        ]
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_item_by_tag")]


def tag_links() -> models.QuerySet:
    """Every item's tags, each item's in name order, as `TaggedItem` rows to narrow to some
    items and read with `values()` (a download reads thousands of items' tags at once)."""
    return TaggedItem.objects.order_by("tag__name", "tag_id")


def credited_first(named: list, credited) -> list:
    """The companies an item names (`named`, public ones) with the public company it is
    credited to (`credited`, or None) first, unless it is named already: the order of
    `Item.public_companies()`, for companies or their ids alike."""
    if credited is not None and credited not in named:
        return [credited, *named]
    return named


class TopicTree:
    """Every topic's sub-topics, read in one query: "a topic with its sub-topics" for topic
    pages, feeds, filters and facet counts alike. Sub-topics count whether published or not
    (a draft sub-topic's public items still belong to its public parent)."""

    def __init__(self, pairs):
        self.children: dict[int | None, list[int]] = defaultdict(list)
        self.ids: list[int] = []
        for pk, parent_id in pairs:
            self.children[parent_id].append(pk)
            self.ids.append(pk)

    def with_descendants(self, topic_ids) -> set[int]:
        """The given topics and every topic below them."""
        found: set[int] = set()
        frontier = list(topic_ids)
        while frontier:
            pk = frontier.pop()
            if pk not in found:
                found.add(pk)
                frontier.extend(self.children.get(pk, ()))
        return found

    def closure(self) -> list[tuple[int, int]]:
        """(ancestor, topic) for every topic and each topic at or below it."""
        return [(pk, below) for pk in self.ids for below in sorted(self.with_descendants([pk]))]


class TopicQuerySet(PublishableQuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)

    def tree(self) -> TopicTree:
        """The topic tree of every topic, in one query."""
        return TopicTree(Topic.objects.order_by().values_list("pk", "parent_id"))

    def featured(self):
        return self.filter(featured=True)


class Topic(Publishable):
    #: The URL name of a topic's page (reversed with the slug).
    URL_NAME = "stories:topic_detail"

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The topic's heading, and its name in menus, filters and feeds."),
    )
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, allow_unicode=True, help_text=SLUG_HELP
    )
    intro = RichTextField(
        _("introduction"),
        help_text=_("Opens the topic's page, above the list of its items."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences for lists and search.")
    )
    lead_image = LeadImageField(
        _("lead image"),
        upload_to="topics/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
        help_text=IMAGE_HELP,
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description"), max_length=300, blank=True, help_text=IMAGE_ALT_HELP
    )
    image_credit = models.CharField(
        _("image credit"), max_length=200, blank=True, help_text=IMAGE_CREDIT_HELP
    )
    quote = models.TextField(
        _("pull quote"),
        blank=True,
        help_text=_("A short quotation set large on the topic's page, beside its introduction."),
    )
    quote_attribution = models.CharField(
        _("quote attribution"),
        max_length=300,
        blank=True,
        help_text=_("Who said the pull quote, shown under it."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_(
            "The topic this one sits under: its page lists this topic's items too. Empty for "
            "a top-level topic (a hub)."
        ),
    )
    position = models.PositiveIntegerField(
        _("position"),
        default=0,
        help_text=_("Orders topics that share a parent, lowest first, in menus and lists."),
    )
    featured = models.BooleanField(
        _("featured on the home page"),
        default=False,
        help_text=_("Lists the topic among the home page's featured topics."),
    )
    featured_items = models.ManyToManyField(
        "Item",
        verbose_name=_("featured items"),
        related_name="featured_on",
        blank=True,
        help_text=_("Shown on a top-level topic's page (a hub) above the full list, newest first."),
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="topic_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return str(localized(self, "title"))

    def get_absolute_url(self):
        return reverse(self.URL_NAME, kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A topic cannot be inside itself.")})
            ancestor = ancestor.parent
        validate_image_alt(self)

    def ancestors(self) -> list["Topic"]:
        """The public topics above this one, the top first (a query per level above the
        first: none for a top-level topic, one for a sub-topic)."""
        chain = []
        topic = self.parent
        while topic is not None:
            chain.append(topic)
            topic = topic.parent
        return [topic for topic in reversed(chain) if topic.is_public]

    def descendant_ids(self) -> set[int]:
        """This topic's id and those of all its sub-topics (one query)."""
        return Topic.objects.tree().with_descendants([self.pk])


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    STORY = "story", _("Story")
    RESPONSE = "response", _("Company response")
    OPINION = "opinion", _("Opinion")
    STATEMENT = "statement", _("Statement")


@functools.cache
def item_kinds() -> dict[str, models.OneToOneRel]:
    """Each kind's parent link by its `kind` value, read from the tables that extend `Item`:
    a kind registers itself by subclassing `Item` (a company response does, from its own
    app), so no map here names another app's model, accessor or page."""
    return {
        rel.related_model.KIND: rel
        for rel in Item._meta.related_objects
        if rel.parent_link and rel.related_model.KIND
    }


@dataclass(frozen=True)
class CompanyLink:
    """One way items name companies: a table with an item column and a company key."""

    model: type[models.Model]
    item_field: str
    company_field: str
    #: The item is the company's own (a response), not only about it.
    credited: bool = False

    def columns(self) -> tuple[str, str, str]:
        """(table, item column, company column), for SQL that counts over every link."""
        opts = self.model._meta
        item, company = opts.get_field(self.item_field), opts.get_field(self.company_field)
        return opts.db_table, item.column, company.column

    def items_naming(self, companies) -> models.QuerySet:
        """The ids of the items naming any of `companies` this way."""
        return self.model._base_manager.filter(**{f"{self.company_field}__in": companies}).values(
            self.item_field
        )


def company_links() -> list[CompanyLink]:
    """Every way an item names a company: the companies it is about, and the company a kind
    credits it to (a company response's company, declared by that kind)."""
    links = [CompanyLink(Item.companies.through, "item", "company")]
    for rel in item_kinds().values():
        field = rel.related_model.CREDITED_COMPANY_FIELD
        if field:
            links.append(
                CompanyLink(rel.related_model, rel.related_model._meta.pk.name, field, True)
            )
    return links


def company_pairs_sql(base: str, union: str = "UNION ALL") -> str:
    """SQL of every (item_id, company_id) pair of the items in the relation `base` (an
    `id` column), however each names the company (`company_links()`), for raw SQL that
    counts over them. Driven from `base`: the link tables are probed by item."""
    q = connection.ops.quote_name
    parts = []
    for link in company_links():
        table, item_column, company_column = link.columns()
        parts.append(
            f"SELECT link.{q(item_column)} AS item_id, link.{q(company_column)} AS company_id"
            f" FROM {base} b JOIN {q(table)} link ON link.{q(item_column)} = b.id"
            f" WHERE link.{q(company_column)} IS NOT NULL"
        )
    return f" {union} ".join(parts)


@dataclass(frozen=True)
class Excerpt(LocalizedText):
    """The summary, or (`from_body`) the start of the body as plain text."""

    from_body: bool = False


class ItemQuerySet(PublishableQuerySet):
    def published(self):
        """Published, not scheduled, and, if the item is a company's own (a company
        response), its company public too: a response is shown only while its company is,
        so a company kept unpublished (not yet ready, withdrawn, under legal review) is
        named by no response, in no list, feed, search result, sitemap or count."""
        queryset = super().published()
        for link in company_links():
            if link.credited:
                hidden = Company.objects.not_public()
                queryset = queryset.exclude(pk__in=link.items_naming(hidden))
        return queryset

    def on_topics(self, topic_ids, tree: TopicTree | None = None):
        """Items on any of the topics or their sub-topics: the one rule for a topic's page,
        feed, download, filter and facet."""
        tree = tree or Topic.objects.tree()
        ids = tree.with_descendants(topic_ids)
        through = Item.topics.through.objects.filter(topic_id__in=ids)
        return self.filter(pk__in=through.values("item_id"))

    def for_topic(self, topic):
        """Items on `topic` or any of its sub-topics."""
        return self.on_topics([topic.pk])

    def naming_companies(self, companies):
        """Items about any of `companies` or credited to one (its own responses): the one
        rule for a company's page, feed, download, filter and facet. `companies` may be
        Company objects, ids or a queryset."""
        condition = Q()
        for link in company_links():
            condition |= Q(pk__in=link.items_naming(companies))
        return self.filter(condition)

    def for_company(self, company):
        return self.naming_companies([company])

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)

    def with_specific(self):
        """Each item's own kind's row joined (`item.specific` costs no query), with what
        each kind shows beside it (a response's company)."""
        related = []
        for rel in item_kinds().values():
            accessor = rel.get_accessor_name()
            extra = rel.related_model.LISTING_RELATED
            related += [f"{accessor}__{name}" for name in extra] if extra else [accessor]
        return self.select_related(*related)

    def for_entries(self):
        """Everything a list entry (`{% item_entry %}`) shows, in one query: each
        item with its kind's row. Entries show no topics, companies or tags."""
        return self.with_specific()

    def for_listing(self):
        """A list entry's data plus its public topics (`listed_topics`) and its tags
        (`listed_tags`), as a feed's entries show them, in three queries.

        Lists, not managers (`to_attr`): prefetching into `item.topics.all()` builds a
        filtered queryset per item and relation, which cost a 50-entry feed more than its
        queries."""
        return self.with_specific().prefetch_related(
            models.Prefetch("topics", Topic.objects.published(), to_attr="listed_topics"),
            models.Prefetch("tags", to_attr="listed_tags"),
        )

    def newest_first(self):
        return self.order_by("-published_at", "-id")


class Item(Publishable):
    """What every kind shares. Each kind answers for itself: its byline, the names search
    indexes, its download columns, its call to action; pages, feeds, downloads and the search
    index ask the item (`item.specific`) rather than testing its kind."""

    #: The `kind` value of a subclass; a subclass with one registers itself (item_kinds()).
    KIND = ""
    #: The URL name of the kind's own page (reversed with the slug).
    URL_NAME = "stories:item_detail"
    #: The link text under a list entry.
    CALL_TO_ACTION = _("Read more")
    #: A foreign key to the company the item is credited to (a company's own response).
    CREDITED_COMPANY_FIELD = ""
    #: Foreign keys of the kind's table a list entry shows (joined by `with_specific()`).
    LISTING_RELATED: tuple[str, ...] = ()
    #: Download columns only this kind fills (author, publication, source), each with the
    #: kind's field it holds: declared, so that a download reads them for thousands of
    #: items in one query (`export_fields()` answers for one).
    EXPORT_FIELDS: dict[str, str] = {}
    #: An item on no topic is on no topic page: publishing needs one (drafts and items
    #: awaiting review may have none).
    REQUIRED_TO_PUBLISH = {
        "topics": _(
            "Choose at least one topic before publishing: an item with no topic appears on "
            "no topic page. A draft or an item ready for review may have none."
        )
    }

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, editable=False)
    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("The headline on the item's page, in lists, feeds and search results."),
    )
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, allow_unicode=True, help_text=SLUG_HELP
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("A short excerpt shown in lists and feeds.")
    )
    body = RichTextField(
        _("body"),
        help_text=_(
            "The full text on the item's page; lists and feeds quote its start when there is "
            "no summary."
        ),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the item was first written in."),
    )
    topics = models.ManyToManyField(
        Topic,
        verbose_name=_("topics"),
        related_name="items",
        blank=True,
        help_text=_(
            "The topic pages (and their parents' pages) and topic feeds that list the item; "
            "also linked under it."
        ),
    )
    companies = models.ManyToManyField(
        "companies.Company",
        verbose_name=_("companies"),
        related_name="items",
        blank=True,
        help_text=_(
            "The companies the item is about: it is listed on their profiles and in their "
            "feeds, and they are linked under it."
        ),
    )
    countries = CountryField(
        _("countries"),
        multiple=True,
        blank=True,
        help_text=_("Where it happened: the country and region filters of result lists."),
    )
    tags = TaggableManager(
        _("tags"),
        through=TaggedItem,
        blank=True,
        help_text=_(
            "Keywords, separated by commas: shown under the item, each linked to everything "
            "with the same tag."
        ),
    )
    # Defaults in the database too: the demo archive and the benchmarks insert rows in SQL.
    lead_image = LeadImageField(
        _("lead image"),
        upload_to="items/%Y/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
        help_text=IMAGE_HELP,
        default="",
        db_default="",
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description"),
        max_length=300,
        blank=True,
        help_text=IMAGE_ALT_HELP,
        default="",
        db_default="",
    )
    image_credit = models.CharField(
        _("image credit"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=IMAGE_CREDIT_HELP,
    )
    search_extra = models.TextField(
        _("search text"),
        blank=True,
        default="",
        editable=False,
        help_text=_("Author, publication and company names, kept current for the search index."),
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["-published_at", "-id"]
        get_latest_by = ["published_at", "id"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="item_newest_first"),
            # Lists of public items, newest first: the rows drafts never enter.
            models.Index(
                fields=["-published_at", "-id"],
                name="item_public_newest",
                condition=Q(status="published"),
            ),
            models.Index(fields=["status", "published_at"], name="item_status_published"),
            models.Index(fields=["kind", "-published_at"], name="item_kind_newest"),
            # A filtered list's window (search.results._window) of one kind's public items,
            # in id order from the index alone: merged with a topic's or a company's ids
            # (ordered the same way by their own indexes, migration 0013), it stops at the
            # window's size instead of hashing every item of the topic.
            models.Index(
                fields=["kind", "id"],
                include=["published_at"],
                name="item_public_kind_id",
                condition=Q(status="published"),
            ),
        ]

    def __str__(self):
        return str(self.display_title)

    def save(self, *args, **kwargs):
        if self.KIND:
            self.kind = self.KIND
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        validate_image_alt(self, self.original_language)

    @classmethod
    def kind_model(cls, kind: str) -> type["Item"]:
        """The model of `kind` (Item itself for an unknown kind)."""
        rel = item_kinds().get(kind)
        return rel.related_model if rel is not None else Item

    @property
    def page_url_name(self) -> str:
        """The URL name of this item's kind's page, from `kind` alone (no query)."""
        return self.URL_NAME if self.KIND else self.kind_model(self.kind).URL_NAME

    def get_absolute_url(self):
        """The detail page of this item's kind, from `kind` and `slug` alone (no query)."""
        return reverse(self.page_url_name, kwargs={"slug": self.slug})

    @property
    def specific(self):
        """The Article, Story, ... behind this item (no query after `with_specific()`)."""
        if self.KIND:
            return self
        rel = item_kinds().get(self.kind)
        if rel is None:
            return self
        try:
            return getattr(self, rel.get_accessor_name())
        except models.ObjectDoesNotExist:
            return self

    @property
    def display_title(self):
        return localized(self, "title", original=self.original_language)

    @property
    def display_summary(self):
        return localized(self, "summary", original=self.original_language)

    @property
    def display_body(self):
        return localized(self, "body", original=self.original_language)

    @property
    def translations(self) -> list[str]:
        """Language codes this item has a title in."""
        return languages_with(self, "title")

    # -- What each kind answers for itself (called on `item.specific`) -------------------

    def text(self, field: str, language: str | None = None) -> LocalizedText:
        """`field` in `language` (default: the visitor's), falling back to the original."""
        return localized(self, field, language=language, original=self.original_language)

    def excerpt(self, language=None, words: int = EXCERPT_WORDS, fallback=True) -> Excerpt:
        """The summary, or the first `words` words of the body when there is no summary,
        as plain text (`fallback=False`: in `language` only)."""
        original = self.original_language
        summary = localized(self, "summary", language, original, fallback=fallback)
        if summary:
            return Excerpt(summary.text, summary.language, summary.requested)
        body = localized(self, "body", language, original, fallback=fallback)
        text = Truncator(strip_tags(body.text)).words(words, truncate="…").strip()
        return Excerpt(text, body.language, body.requested, from_body=bool(text))

    def call_to_action(self) -> str:
        return str(self.CALL_TO_ACTION)

    def byline_parts(self, language=None) -> list[LocalizedText]:
        """The parts of the "Author:" line, each marked with its own language."""
        return []

    @property
    def byline(self) -> str:
        return ", ".join(part.text for part in self.byline_parts())

    def creator_parts(self, language=None) -> list[LocalizedText]:
        """Who the words are from (a feed entry's author): the byline by default."""
        return self.byline_parts(language)

    @property
    def is_public(self) -> bool:
        """As `published()` decides: public, and so is the company it is credited to."""
        credited = self.credited_company
        return super().is_public and (credited is None or credited.is_public)

    @property
    def credited_company(self) -> Company | None:
        """The company the item is credited to (a company's own response), if any."""
        field = self.CREDITED_COMPANY_FIELD
        return getattr(self, field) if field else None

    def public_companies(self) -> list[Company]:
        """The public companies the item names: the one it is credited to first, then those
        it is about (prefetched by `for_listing()`)."""
        named = [company for company in self.companies.all() if company.is_public]
        credited = self.specific.credited_company
        return credited_first(named, credited if credited and credited.is_public else None)

    def search_names(self) -> list[str]:
        """Names the search index holds beside the text: authors, publications (in every
        language they have) and the public companies named."""
        return [company.name for company in self.public_companies()]

    def translations_of(self, field: str) -> list[str]:
        """Every language's value of `field` (for the search index)."""
        return [getattr(self, column(field, code), "") or "" for code in LANGUAGE_CODES]

    def export_fields(self, language=None) -> dict[str, str]:
        """The download columns only some kinds fill (`EXPORT_FIELDS`), translated ones in
        `language` with the item's fallback."""
        return {
            name: self.text(field, language).text
            if is_translated(type(self), field)
            else getattr(self, field)
            for name, field in self.EXPORT_FIELDS.items()
        }

    def list_quote(self):
        """(LocalizedText, date) a list entry quotes under the title, or None."""
        return None

    def source_link(self):
        """(url, label) of the original the item quotes, or None."""
        return None


class Article(Item):
    """An external news item, quoted and linked."""

    KIND = Kind.ARTICLE

    author = models.CharField(
        _("author(s)"),
        max_length=300,
        blank=True,
        help_text=_("Who wrote the original, in the byline on its page, in lists and feeds."),
    )
    publication = models.CharField(
        _("publication"),
        max_length=200,
        blank=True,
        help_text=_("Where the original appeared, after the author in the byline."),
    )
    original_headline = models.CharField(
        _("original headline"),
        max_length=400,
        blank=True,
        help_text=_("The headline as the source published it, quoted in lists."),
    )
    original_published_on = models.DateField(
        _("original publication date"),
        null=True,
        blank=True,
        help_text=_("When the source published it, shown beside the original headline."),
    )
    source_url = SafeURLField(
        _("source address"),
        max_length=1000,
        blank=True,
        help_text=_("The original's address (https://…), linked from the article's page."),
    )

    URL_NAME = "stories:article_detail"
    EXPORT_FIELDS = {"author": "author", "publication": "publication", "source_url": "source_url"}

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        default_permissions = PUBLISHABLE_PERMISSIONS

    def byline_parts(self, language=None):
        """ "Stephanie Kirchgaessner & Jennifer Rankin", "The Guardian"."""
        parts = [self.text("author", language), self.text("publication", language)]
        return [part for part in parts if part]

    def search_names(self):
        return [
            *self.translations_of("author"),
            *self.translations_of("publication"),
            *super().search_names(),
        ]

    def list_quote(self):
        quote = self.text("original_headline")
        return (quote, self.original_published_on) if quote else None

    def source_link(self):
        if not self.source_url.startswith(("https://", "http://")):
            return None
        return self.source_url, self.text("publication").text or self.source_url


class Story(Item):
    """The centre's own summary of a development, linking articles and responses."""

    KIND = Kind.STORY

    related_items = models.ManyToManyField(
        Item,
        verbose_name=_("related items"),
        related_name="in_stories",
        blank=True,
        symmetrical=False,
        help_text=_(
            "Articles, responses and other items this story brings together, listed on its page."
        ),
    )

    URL_NAME = "stories:story_detail"
    CALL_TO_ACTION = _("See full story")

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        default_permissions = PUBLISHABLE_PERMISSIONS


class Opinion(Item):
    """A blog post by a named author."""

    KIND = Kind.OPINION

    author_name = models.CharField(
        _("author"),
        max_length=200,
        help_text=_("The writer's name, first in the byline on the page, in lists and feeds."),
    )
    author_role = models.CharField(
        _("author's role"),
        max_length=200,
        blank=True,
        help_text=_("The writer's job title, after their name in the byline."),
    )
    author_organisation = models.CharField(
        _("author's organisation"),
        max_length=200,
        blank=True,
        help_text=_("Where the writer works, after their role in the byline."),
    )
    series = models.CharField(
        _("series"),
        max_length=300,
        blank=True,
        help_text=_(
            "The blog series the opinion belongs to, named on its page with the other "
            "opinions in it."
        ),
    )

    URL_NAME = "stories:opinion_detail"

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        default_permissions = PUBLISHABLE_PERMISSIONS

    def byline_parts(self, language=None):
        """ "Sarina Phu", "Research & Program Associate", "Global Network Initiative"."""
        name = self.text("title", language).requested
        parts = [
            LocalizedText(self.author_name, name, name),
            self.text("author_role", language),
            self.text("author_organisation", language),
        ]
        return [part for part in parts if part]

    def search_names(self):
        return [
            self.author_name,
            *self.translations_of("author_role"),
            *self.translations_of("author_organisation"),
            *super().search_names(),
        ]


class Statement(Item):
    """A joint statement with its signatory organisations."""

    KIND = Kind.STATEMENT

    URL_NAME = "stories:statement_detail"
    CALL_TO_ACTION = _("Read the statement")

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        default_permissions = PUBLISHABLE_PERMISSIONS


class Signatory(models.Model):
    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    name = models.CharField(
        _("organisation"),
        max_length=300,
        help_text=_("The signing organisation, as listed under the statement."),
    )
    country = CountryField(
        _("country"), blank=True, help_text=_("Where it is based, beside its name.")
    )
    position = models.PositiveIntegerField(
        _("position"),
        default=0,
        help_text=_("Orders the list of signatories, lowest first (then by name)."),
    )

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["position", "name", "id"]
        indexes = [models.Index(fields=["statement", "name"], name="signatory_by_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "name"], name="signatory_once_per_statement"
            )
        ]

    def __str__(self):
        return self.name


# Renditions of lead images are written when a topic or item is saved with a new image.
register_sources((Topic, "lead_image"), (Item, "lead_image"))
