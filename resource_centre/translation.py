from modeltranslation.translator import TranslationOptions, register

from resource_centre.models import Page, SiteMessage


@register(SiteMessage)
class SiteMessageTranslationOptions(TranslationOptions):
    fields = ("title", "body", "link_label", "signature")


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body")
