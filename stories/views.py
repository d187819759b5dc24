"""The home page, topic pages and the detail page of each kind of item.

Detail views share `PublicOrPreviewMixin` (published() for the public, previews for staff);
a topic page's list comes from the kernel's `ResultListMixin`, so a page, its feed and its
export agree. Feed links and company responses are added by the templates (the feeds and
responses template tags), so these views import neither app.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from resource_centre.i18n import column, columns, localized
from resource_centre.views import PublicOrPreviewMixin, ResultListMixin, SitePageMixin
from stories.models import Article, Item, Kind, Opinion, Statement, Story, Topic

SIGNATORY_QUERY_MAX = 200
HOME_LATEST = 12
#: How many other posts of its series an opinion lists.
SERIES_ITEMS = 10
#: How many of its latest items a sub-topic's card shows on a hub page.
CARD_LATEST = 3


@dataclass
class SubtopicCard:
    """A sub-topic on its hub's page, with its latest items (on it or below it)."""

    topic: Topic
    latest: list = field(default_factory=list)


def subtopic_cards(subtopics) -> list[SubtopicCard]:
    """Each sub-topic with its CARD_LATEST latest public items, on it or on the topics up
    to two levels below it, in one query whatever the number of sub-topics (and without
    reading the topic tree): the items' topic links ranked newest first within each
    sub-topic's branch, their items joined."""
    cards = [SubtopicCard(topic) for topic in subtopics]
    ids = [card.topic.pk for card in cards]
    if not ids:
        return cards
    levels = ["topic_id", "topic__parent_id", "topic__parent__parent_id"]
    branch_of = Case(
        *[When(**{level: pk}, then=Value(pk)) for level in levels for pk in ids],
        output_field=IntegerField(),
    )
    in_branches = Q()
    for level in levels:
        in_branches |= Q(**{f"{level}__in": ids})
    links = (
        Item.topics.through.objects.filter(in_branches)
        .filter(item_id__in=Item.objects.published().values("pk"))
        .annotate(
            branch=branch_of,
            rank=Window(
                RowNumber(),
                partition_by=[branch_of],
                order_by=[F("item__published_at").desc(), F("item_id").desc()],
            ),
        )
        .filter(rank__lte=CARD_LATEST)
        .select_related("item")
        # What a card shows of an item: no bodies and summaries through the window.
        .only(
            "topic_id",
            "item__slug",
            "item__kind",
            "item__published_at",
            "item__original_language",
            *(f"item__{name}" for name in columns("title")),
        )
        .order_by("branch", "rank")
    )
    by_topic = {card.topic.pk: card for card in cards}
    for link in links:
        card = by_topic[link.branch]
        if all(item.pk != link.item_id for item in card.latest):
            card.latest.append(link.item)
    return cards


class HomeView(SitePageMixin, TemplateView):
    """The latest items and the featured topics."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_items"] = list(
            Item.objects.published().for_entries().newest_first()[:HOME_LATEST]
        )
        context["featured_topics"] = list(Topic.objects.published().featured())
        return context


class TopicListView(SitePageMixin, ListView):
    """Every public top-level topic with its public sub-topics."""

    template_name = "stories/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return (
            Topic.objects.published()
            .roots()
            .prefetch_related(
                Prefetch("children", queryset=Topic.objects.published(), to_attr="public_children")
            )
        )


class TopicDetailView(ResultListMixin, PublicOrPreviewMixin, DetailView):
    """A topic's introduction, sub-topics and every public item on it or its sub-topics."""

    model = Topic

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.object
        subtopics = list(topic.children.published())
        context["subtopics"] = subtopics
        context["ancestors"] = ancestors = topic.ancestors()
        # The page's title says where it sits: "Digital Freedom · Technology and Human Rights".
        context["title_trail"] = "".join(f" · {localized(t, 'title')}" for t in reversed(ancestors))
        # A top-level topic with sub-topics is a hub: a landing page for its branch.
        context["is_hub"] = topic.parent_id is None and bool(subtopics)
        if context["is_hub"]:
            context["subtopic_cards"] = subtopic_cards(subtopics)
            # Read only when the editors chose some (the topic's own query says so).
            if topic.has_featured_items:
                context["featured_items"] = list(
                    topic.featured_items.published().for_entries().newest_first()
                )
        if topic.lead_image:
            context["og_image"] = self.request.build_absolute_uri(topic.lead_image.url)
        return context

    def get_base_queryset(self):
        featured = Topic.featured_items.through.objects.filter(topic=OuterRef("pk"))
        return super().get_base_queryset().annotate(has_featured_items=Exists(featured))


class ItemDetailMixin(PublicOrPreviewMixin):
    """Detail page of one kind of item, with its public topics and companies."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .prefetch_related(
                Prefetch("topics", queryset=Topic.objects.published()),
                "tags",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.object
        context["companies"] = list(self.object.companies.published())
        # Breadcrumbs: the item's first public topic, under the topics above it.
        topics = list(self.object.topics.all())
        context["trail"] = [*topics[0].ancestors(), topics[0]] if topics else []
        return context


class ArticleDetailView(ItemDetailMixin, DetailView):
    model = Article


class StoryDetailView(ItemDetailMixin, DetailView):
    """A story with the articles it links and the company responses to it."""

    model = Story

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        story = self.object
        context["related_items"] = list(
            Item.objects.published()
            .filter(in_stories=story)
            .exclude(kind=Kind.RESPONSE)
            .for_entries()
            .newest_first()
        )
        return context


class OpinionDetailView(ItemDetailMixin, DetailView):
    """An opinion, with the other posts of its series (the series named alike in the default
    language, newest first)."""

    model = Opinion

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = column("series", settings.LANGUAGE_CODE)
        series = getattr(self.object, key)
        context["series_items"] = (
            list(
                Item.objects.published()
                .filter(**{f"opinion__{key}": series})
                .exclude(pk=self.object.pk)
                .for_entries()
                .newest_first()[:SERIES_ITEMS]
            )
            if series
            else []
        )
        return context


class StatementDetailView(ItemDetailMixin, DetailView):
    """A statement and its signatories, which `?signatory=` narrows by name."""

    model = Statement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # No name holds a NUL, and PostgreSQL refuses one in a query (it was a 500).
        query = self.request.GET.get("signatory", "").replace("\x00", "")
        query = query.strip()[:SIGNATORY_QUERY_MAX]
        signatories = self.object.signatories.all()
        context["signatory_total"] = signatories.count()
        if query:
            signatories = signatories.filter(name__icontains=query)
        context["signatory_query"] = query
        context["signatories"] = list(signatories)
        return context


class ItemRedirectView(RedirectView):
    """`/items/<slug>/`: any public item, sent on to its own kind's page."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        queryset = Item.objects.all()
        user = self.request.user
        if not (user.is_authenticated and user.is_staff):
            queryset = queryset.published()
        return get_object_or_404(queryset, slug=kwargs["slug"]).get_absolute_url()
