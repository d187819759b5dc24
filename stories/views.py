"""The home page, topic pages and the detail page of each kind of item.

Detail views share `PublicOrPreviewMixin` (published() for the public, previews for staff);
a topic page's list comes from the kernel's `ResultListMixin`, so a page, its feed and its
export agree. Feed links and company responses are added by the templates (the feeds and
responses template tags), so these views import neither app.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from resource_centre.views import PublicOrPreviewMixin, ResultListMixin, SitePageMixin
from stories.models import Article, Item, Kind, Opinion, Statement, Story, Topic

SIGNATORY_QUERY_MAX = 200
HOME_LATEST = 12


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
    model = Opinion


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
