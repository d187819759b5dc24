from modeltranslation.translator import TranslationOptions, register

from stories.models import Article, Item, Opinion, Statement, Story, Tag, Topic


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "intro",
        "summary",
        "image_alt",
        "image_credit",
        "quote",
        "quote_attribution",
    )


@register(Item)
class ItemTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "image_alt", "image_credit")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("author", "publication", "original_headline")


@register(Story)
class StoryTranslationOptions(TranslationOptions):
    fields = ()


@register(Opinion)
class OpinionTranslationOptions(TranslationOptions):
    fields = ("author_role", "author_organisation", "series")


@register(Statement)
class StatementTranslationOptions(TranslationOptions):
    fields = ()
