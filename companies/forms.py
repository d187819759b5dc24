"""The company index's filters: a name search, a sector, a headquarters country and an
initial of the A–Z bar, read from the query string (a GET form: every filtered list is an
address to share).

Each filter takes one value. Bad input is a form error, which the index answers with a 400
and the form: an unknown sector or country, an initial other than A–Z or "#", a search over
MAX_QUERY_LENGTH characters, a parameter given twice, a NUL character.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from companies.names import INITIALS

MAX_QUERY_LENGTH = 200
#: The filters, in the order their links carry them.
FILTERS = ("q", "sector", "country", "letter")
#: Parameters that take one value: repeating one is an error, not a silent pick.
SINGLE_VALUED = (*FILTERS, "page")


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Company name"), required=False, max_length=MAX_QUERY_LENGTH)
    sector = forms.CharField(label=_("Sector"), required=False, widget=forms.Select)
    country = forms.CharField(label=_("Headquarters"), required=False, widget=forms.Select)
    letter = forms.CharField(label=_("Initial"), required=False, widget=forms.HiddenInput)

    def __init__(self, data, sectors, country_codes):
        """`sectors`: every sector (the choices, and what a slug names); `country_codes`:
        the headquarters countries of the companies listed, offered as choices (any other
        country is a valid filter with no companies, and is offered while chosen)."""
        super().__init__(data)
        self.sectors = {sector.slug: sector for sector in sectors}
        sector_choices = sorted(
            ((slug, str(sector)) for slug, sector in self.sectors.items()),
            key=lambda choice: choice[1].casefold(),
        )
        self.fields["sector"].widget.choices = [("", _("All sectors")), *sector_choices]
        chosen = str(data.get("country", "")).upper()
        shown = set(country_codes) | ({chosen} if chosen in countries else set())
        self.fields["country"].widget.choices = [
            ("", _("All countries")),
            *((country.code, country.name) for country in countries if country.code in shown),
        ]

    def full_clean(self):
        problem = self.raw_problem()
        if problem is None:
            return super().full_clean()
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}
        self.add_error(None, problem)

    def raw_problem(self):
        for name, values in self.data.lists():
            if name in SINGLE_VALUED and len(values) > 1:
                return _("Give “%(name)s” only once.") % {"name": name}
            if "\x00" in name or any("\x00" in value for value in values):
                return _("The address contains a character that is not allowed.")
        return None

    def clean_sector(self):
        slug = self.cleaned_data["sector"]
        if not slug:
            return None
        if slug not in self.sectors:
            raise forms.ValidationError(_("There is no such sector."), code="unknown")
        return self.sectors[slug]

    def clean_country(self):
        code = self.cleaned_data["country"].upper()
        if code and code not in countries:
            raise forms.ValidationError(_("There is no country with that code."), code="unknown")
        return code

    def clean_letter(self):
        letter = self.cleaned_data["letter"].upper()
        if letter and letter not in INITIALS:
            raise forms.ValidationError(
                _("Choose an initial from A to Z, or “#” for the others."), code="unknown"
            )
        return letter

    def filter(self, queryset, without=()):
        """`queryset` narrowed by the valid filters, but for those named in `without`."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in without}
        if data.get("q"):
            queryset = queryset.name_contains(data["q"])
        if data.get("sector"):
            queryset = queryset.in_sector(data["sector"])
        if data.get("country"):
            queryset = queryset.headquartered_in(data["country"])
        if data.get("letter"):
            queryset = queryset.with_initial(data["letter"])
        return queryset

    def params(self, without=()) -> dict[str, str]:
        """The valid filters given, as query parameters (in FILTERS order), leaving out
        `without`: what the index's links carry so each keeps the others."""
        data, params = self.cleaned_data, {}
        for name in FILTERS:
            if name in without or not data.get(name):
                continue
            params[name] = data[name].slug if name == "sector" else data[name]
        return params
