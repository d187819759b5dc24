"""Topic pages and the detail page of each kind of item.

Detail views share `PublicOrPreviewMixin` (published() for the public, previews for staff);
lists reuse `stories.results.result_context()` so a page, its feed and its export agree.
"""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, RedirectView

from feeds.links import feed_links
from resource_centre.views import PublicOrPreviewMixin, SitePageMixin
from stories.models import Article, Item, Kind, Opinion, Statement, Story, Topic
from stories.results import result_context

SIGNATORY_QUERY_MAX = 200


class ResultListMixin:
    """Adds a filterable, paginated list of items to a detail page (topic, company)."""

    feed_route = ""

    def get_result_queryset(self):
        raise NotImplementedError

    def get_feed_title(self):
        return str(self.object)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        results, self.status = result_context(request, self.get_result_queryset())
        context = self.get_context_data(object=self.object, **results)
        context["feed_links"] = feed_links(
            request,
            self.feed_route,
            self.get_feed_title(),
            query_string=results["query_string"],
            slug=self.object.slug,
        )
        return self.render_to_response(context, status=self.status)


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
    feed_route = "topic"

    def get_result_queryset(self):
        return Item.objects.published().for_topic(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subtopics"] = list(self.object.children.published())
        if self.object.lead_image:
            context["og_image"] = self.request.build_absolute_uri(self.object.lead_image.url)
        return context


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
        context["responses"] = list(
            Item.objects.published()
            .filter(companyresponse__responds_to=self.object)
            .for_listing()
            .newest_first()
        )
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
            .for_listing()
            .newest_first()
        )
        context["responses"] = list(
            Item.objects.published()
            .of_kind(Kind.RESPONSE)
            .filter(Q(in_stories=story) | Q(companyresponse__responds_to=story))
            .distinct()
            .for_listing()
            .newest_first()
        )
        return context


class OpinionDetailView(ItemDetailMixin, DetailView):
    model = Opinion


class StatementDetailView(ItemDetailMixin, DetailView):
    """A statement and its signatories, which `?signatory=` narrows by name."""

    model = Statement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("signatory", "").strip()[:SIGNATORY_QUERY_MAX]
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
