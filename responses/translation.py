from modeltranslation.translator import TranslationOptions, register

from responses.models import CompanyResponse, Issue


@register(Issue)
class IssueTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(CompanyResponse)
class CompanyResponseTranslationOptions(TranslationOptions):
    fields = ()
