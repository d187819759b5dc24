"""Topics and the content items listed on them.

Every public item (article, story, opinion, statement and company response) is an `Item`
(multi-table inheritance), so a topic page, a feed, a search or an export is one
newest-first queryset over `Item`, whatever mix of kinds it holds.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from resource_centre.i18n import languages_with, localized
from resource_centre.publishing import Publishable, PublishableQuerySet
from resource_centre.richtext import RichTextField


class Tag(TagBase):
    """A translatable tag: its name is registered with modeltranslation; slugs keep
    non-Latin characters."""

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

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = models.ForeignKey(
        "Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("tagged item")
        verbose_name_plural = _("tagged items")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tag_once_per_item")
        ]


def tags_by_item(item_ids) -> dict[int, list[Tag]]:
    """Each item's tags in name order, for many items in one query (exports, feeds)."""
    result: dict[int, list[Tag]] = {pk: [] for pk in item_ids}
    tagged = (
        TaggedItem.objects.filter(content_object_id__in=list(result))
        .select_related("tag")
        .order_by("tag__name", "tag_id")
    )
    for row in tagged:
        result[row.content_object_id].append(row.tag)
    return result


class TopicQuerySet(PublishableQuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)

    def featured(self):
        return self.filter(featured=True)


class Topic(Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    intro = RichTextField(_("introduction"))
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences for lists and search.")
    )
    lead_image = models.ImageField(_("lead image"), upload_to="topics/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    quote = models.TextField(_("pull quote"), blank=True)
    quote_attribution = models.CharField(_("quote attribution"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    featured = models.BooleanField(_("featured on the home page"), default=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="topic_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return str(localized(self, "title"))

    def get_absolute_url(self):
        return reverse("stories:topic_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A topic cannot be inside itself.")})
            ancestor = ancestor.parent

    def descendant_ids(self) -> list[int]:
        """This topic's id and those of all its sub-topics, in one query per level."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Topic.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
            )
            frontier = [pk for pk in frontier if pk not in ids]
            ids.extend(frontier)
        return ids


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    STORY = "story", _("Story")
    RESPONSE = "response", _("Company response")
    OPINION = "opinion", _("Opinion")
    STATEMENT = "statement", _("Statement")


# The URL name of each kind's detail page.
KIND_URL_NAMES = {
    Kind.ARTICLE: "stories:article_detail",
    Kind.STORY: "stories:story_detail",
    Kind.RESPONSE: "responses:response_detail",
    Kind.OPINION: "stories:opinion_detail",
    Kind.STATEMENT: "stories:statement_detail",
}

# The one-to-one accessor on Item for each kind's own table.
KIND_ACCESSORS = {
    Kind.ARTICLE: "article",
    Kind.STORY: "story",
    Kind.RESPONSE: "companyresponse",
    Kind.OPINION: "opinion",
    Kind.STATEMENT: "statement",
}


class ItemQuerySet(PublishableQuerySet):
    def for_topic(self, topic):
        """Items on `topic` or any of its sub-topics."""
        ids = topic.descendant_ids()
        return self.filter(pk__in=Item.objects.filter(topics__in=ids).values("pk"))

    def for_company(self, company):
        return self.filter(Q(companies=company) | Q(companyresponse__company=company)).distinct()

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)

    def for_listing(self):
        """Everything a list entry shows, in a constant number of queries."""
        from companies.models import Company

        return self.select_related(
            "article", "story", "opinion", "statement", "companyresponse__company"
        ).prefetch_related(
            models.Prefetch("topics", queryset=Topic.objects.published()),
            models.Prefetch("companies", queryset=Company.objects.published()),
            "tags",
        )

    def newest_first(self):
        return self.order_by("-published_at", "-id")


class Item(Publishable):
    KIND = ""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, editable=False)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("A short excerpt shown in lists and feeds.")
    )
    body = RichTextField(_("body"))
    original_language = models.CharField(
        _("original language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the item was first written in."),
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="items", blank=True
    )
    companies = models.ManyToManyField(
        "companies.Company", verbose_name=_("companies"), related_name="items", blank=True
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    tags = TaggableManager(_("tags"), through=TaggedItem, blank=True)
    search_extra = models.TextField(
        _("search text"),
        blank=True,
        default="",
        editable=False,
        help_text=_("Author, publication and company names, kept by stories.search."),
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["-published_at", "-id"]
        get_latest_by = ["published_at", "id"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="item_newest_first"),
            models.Index(fields=["status", "published_at"], name="item_status_published"),
            models.Index(fields=["kind", "-published_at"], name="item_kind_newest"),
        ]

    def __str__(self):
        return str(self.display_title)

    def save(self, *args, **kwargs):
        if self.KIND:
            self.kind = self.KIND
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The detail page of this item's kind, from `kind` and `slug` alone (no query)."""
        name = KIND_URL_NAMES.get(self.kind or self.KIND, "stories:item_detail")
        return reverse(name, kwargs={"slug": self.slug})

    @property
    def specific(self):
        """The Article, Story, ... behind this item (no query after `for_listing()`)."""
        if self.KIND:
            return self
        accessor = KIND_ACCESSORS.get(self.kind)
        if accessor is None:
            return self
        try:
            return getattr(self, accessor)
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


class Article(Item):
    """An external news item, quoted and linked."""

    KIND = Kind.ARTICLE

    author = models.CharField(_("author(s)"), max_length=300, blank=True)
    publication = models.CharField(_("publication"), max_length=200, blank=True)
    original_headline = models.CharField(
        _("original headline"),
        max_length=400,
        blank=True,
        help_text=_("The headline as the source published it, quoted in lists."),
    )
    original_published_on = models.DateField(_("original publication date"), null=True, blank=True)
    source_url = models.URLField(_("source address"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    @property
    def byline(self):
        """ "Stephanie Kirchgaessner & Jennifer Rankin, The Guardian" in the visitor's language."""
        parts = [
            str(localized(self, "author", original=self.original_language)),
            str(localized(self, "publication", original=self.original_language)),
        ]
        return ", ".join(part for part in parts if part)


class Story(Item):
    """The centre's own summary of a development, linking articles and responses."""

    KIND = Kind.STORY

    related_items = models.ManyToManyField(
        Item,
        verbose_name=_("related items"),
        related_name="in_stories",
        blank=True,
        symmetrical=False,
    )

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")


class Opinion(Item):
    """A blog post by a named author."""

    KIND = Kind.OPINION

    author_name = models.CharField(_("author"), max_length=200)
    author_role = models.CharField(_("author's role"), max_length=200, blank=True)
    author_organisation = models.CharField(_("author's organisation"), max_length=200, blank=True)
    series = models.CharField(_("series"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    @property
    def byline(self):
        parts = [
            self.author_name,
            str(localized(self, "author_role")),
            str(localized(self, "author_organisation")),
        ]
        return ", ".join(part for part in parts if part)


class Statement(Item):
    """A joint statement with its signatory organisations."""

    KIND = Kind.STATEMENT

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")


class Signatory(models.Model):
    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    name = models.CharField(_("organisation"), max_length=300)
    country = CountryField(_("country"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

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
