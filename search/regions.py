"""World regions for the region filter: the UN M49 geoscheme, by ISO 3166 country code.

The five M49 regions (Africa, Americas, Asia, Europe, Oceania), their sub-regions (with
Africa's and the Americas' intermediate regions, which researchers use more than
"Sub-Saharan Africa"), and "Latin America and the Caribbean". Antarctica belongs to no
region, as in M49; Taiwan, which M49 lists under China, is in Eastern Asia.

Filtering by a region means "any of its countries"; see `stories.filters`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Region:
    slug: str
    label: str
    countries: frozenset[str]
    parent: str = ""


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SUBREGIONS = {
    "africa": [
        ("northern-africa", _("Northern Africa"), "DZ EG LY MA SD TN EH"),
        (
            "eastern-africa",
            _("Eastern Africa"),
            "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
        ),
        ("middle-africa", _("Middle Africa"), "AO CM CF TD CG CD GQ GA ST"),
        ("southern-africa", _("Southern Africa"), "BW SZ LS NA ZA"),
        (
            "western-africa",
            _("Western Africa"),
            "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
        ),
    ],
    "americas": [
        (
            "caribbean",
            _("Caribbean"),
            "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
        ),
        ("central-america", _("Central America"), "BZ CR SV GT HN MX NI PA"),
        ("south-america", _("South America"), "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE"),
        ("northern-america", _("Northern America"), "BM CA GL PM US"),
    ],
    "asia": [
        ("central-asia", _("Central Asia"), "KZ KG TJ TM UZ"),
        ("eastern-asia", _("Eastern Asia"), "CN HK MO KP JP MN KR TW"),
        ("south-eastern-asia", _("South-eastern Asia"), "BN KH ID LA MY MM PH SG TH TL VN"),
        ("southern-asia", _("Southern Asia"), "AF BD BT IN IR MV NP PK LK"),
        (
            "western-asia",
            _("Western Asia"),
            "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
        ),
    ],
    "europe": [
        ("eastern-europe", _("Eastern Europe"), "BY BG CZ HU PL MD RO RU SK UA"),
        (
            "northern-europe",
            _("Northern Europe"),
            "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
        ),
        (
            "southern-europe",
            _("Southern Europe"),
            "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES",
        ),
        ("western-europe", _("Western Europe"), "AT BE FR DE LI LU MC NL CH"),
    ],
    "oceania": [
        ("australia-new-zealand", _("Australia and New Zealand"), "AU CX CC HM NZ NF"),
        ("melanesia", _("Melanesia"), "FJ NC PG SB VU"),
        ("micronesia", _("Micronesia"), "GU KI MH FM NR MP PW UM"),
        ("polynesia", _("Polynesia"), "AS CK PF NU PN WS TK TO TV WF"),
    ],
}

_REGION_LABELS = {
    "africa": _("Africa"),
    "americas": _("Americas"),
    "asia": _("Asia"),
    "europe": _("Europe"),
    "oceania": _("Oceania"),
}


def _build() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for slug, label in _REGION_LABELS.items():
        subs = [
            Region(sub_slug, sub_label, _codes(codes), parent=slug)
            for sub_slug, sub_label, codes in _SUBREGIONS[slug]
        ]
        regions[slug] = Region(slug, label, frozenset().union(*(s.countries for s in subs)))
        if slug == "americas":
            latin = [s for s in subs if s.slug != "northern-america"]
            regions["latin-america-caribbean"] = Region(
                "latin-america-caribbean",
                _("Latin America and the Caribbean"),
                frozenset().union(*(s.countries for s in latin)),
                parent="americas",
            )
        for sub in subs:
            regions[sub.slug] = sub
    return regions


#: Every region and sub-region by slug, regions first then their sub-regions.
REGIONS: dict[str, Region] = _build()

#: The five top-level regions.
TOP_LEVEL = [slug for slug, region in REGIONS.items() if not region.parent]


def region_choices():
    """(slug, label) for the region filter: each region followed by its sub-regions."""
    return [(slug, region.label) for slug, region in REGIONS.items()]


def regions_of(country_code: str) -> list[str]:
    """The slugs of every region and sub-region containing `country_code`."""
    return [slug for slug, region in REGIONS.items() if country_code in region.countries]


def countries_in(slugs) -> set[str]:
    """Every country code in any of the regions `slugs`."""
    codes: set[str] = set()
    for slug in slugs:
        region = REGIONS.get(slug)
        if region:
            codes |= region.countries
    return codes
