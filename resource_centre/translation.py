from modeltranslation.translator import TranslationOptions, register

from resource_centre.models import SiteMessage


@register(SiteMessage)
class SiteMessageTranslationOptions(TranslationOptions):
    fields = ("title", "body", "link_label")
