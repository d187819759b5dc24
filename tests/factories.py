"""factory_boy factories for every content type. Items default to published in the past."""

import datetime as dt
import itertools

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from companies.models import Company, Sector
from resource_centre.models import SiteMessage
from resource_centre.publishing import Status
from responses.models import CompanyResponse, Issue, Outcome
from stories.models import Article, Opinion, Signatory, Statement, Story, Tag, Topic


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


class PublishableFactory(DjangoModelFactory):
    status = Status.PUBLISHED
    published_at = factory.Sequence(lambda n: days_ago(1) - dt.timedelta(minutes=n))


class TopicFactory(PublishableFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    intro = "<p>An introduction to the topic.</p>"


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class CompanyFactory(PublishableFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    headquarters_country = "GB"
    website = "https://example.com/"


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


ITEM_NUMBERS = itertools.count()


class ItemFactory(PublishableFactory):
    class Meta:
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Item headline {n}")
    # One counter for every kind: ArticleFactory and StoryFactory must not both make "item-0".
    slug = factory.LazyFunction(lambda: f"item-{next(ITEM_NUMBERS)}")
    summary = "A short summary of what happened."
    body = "<p>The body of the item.</p>"

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def companies(self, create, extracted, **kwargs):
        if create and extracted:
            self.companies.set(extracted)


class ArticleFactory(ItemFactory):
    class Meta:
        model = Article

    author = "Stephanie Kirchgaessner"
    publication = "The Guardian"
    original_headline = "An original headline"
    original_published_on = factory.LazyFunction(lambda: timezone.now().date())
    source_url = "https://news.example.org/story"


class StoryFactory(ItemFactory):
    class Meta:
        model = Story


class OpinionFactory(ItemFactory):
    class Meta:
        model = Opinion

    author_name = "Sarina Phu"
    author_role = "Research & Program Associate"
    author_organisation = "Global Network Initiative"
    series = "B-Tech blog series"


class StatementFactory(ItemFactory):
    class Meta:
        model = Statement


class SignatoryFactory(DjangoModelFactory):
    class Meta:
        model = Signatory

    statement = factory.SubFactory(StatementFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")


class IssueFactory(DjangoModelFactory):
    class Meta:
        model = Issue

    name = factory.Sequence(lambda n: f"Issue {n}")
    slug = factory.Sequence(lambda n: f"issue-{n}")


class CompanyResponseFactory(ItemFactory):
    class Meta:
        model = CompanyResponse

    company = factory.SubFactory(CompanyFactory)
    title = factory.LazyAttribute(lambda o: f"{o.company.name} responded")
    outcome = Outcome.RESPONDED
    requested_on = factory.LazyFunction(lambda: (timezone.now() - dt.timedelta(days=10)).date())
    responded_on = factory.LazyFunction(lambda: (timezone.now() - dt.timedelta(days=3)).date())


class SiteMessageFactory(PublishableFactory):
    class Meta:
        model = SiteMessage

    title = "Updating the Resource Centre"
    body = "<p>We are refreshing the site.</p>"
