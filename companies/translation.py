from modeltranslation.translator import TranslationOptions, register

from companies.models import Company, Sector


@register(Sector)
class SectorTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Company)
class CompanyTranslationOptions(TranslationOptions):
    fields = ("description",)
