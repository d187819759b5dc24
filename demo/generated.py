"""Generated demo items for the topics other than Digital Freedom, so their lists paginate.

Everything is arithmetic on the item's position: the same items, dates and slugs come out on
every run. Generated items only name the fictional companies in data.json, and each body says
it is demonstration content, so the demo never invents news about a real company.
"""

import datetime as dt

from django.utils import translation
from django_countries import countries

ITEMS_PER_TOPIC = 25
FIRST_DATE = dt.date(2019, 1, 15)
STEP_DAYS = 43  # 24 steps of 43 days keep every topic's items within 2019-2021
# (slug, name) of the fictional companies in data.json.
FICTIONAL_COMPANIES = [
    ("acme-telecom", "Acme Telecom (fictional)"),
    ("globex-vision", "Globex Vision Systems (fictional)"),
    ("initech-data", "Initech Data (fictional)"),
]
OUTCOMES = ["responded", "declined", "no_response"]
AUTHORS = ["Amina Example", "Kenji Sample", "Lucía Demo"]

# Per topic: (theme title, French theme title, summary, tags, issue) and the countries cycled
# through. "{country}" is filled with the country's name in the title's language.
TOPICS = {
    "surveillance-technology": {
        "countries": ["KE", "BR", "GB", "IN", "ZA", "MX", "PH", "RS"],
        "themes": [
            (
                "Explainer: facial recognition in public spaces in {country}",
                "Décryptage : la reconnaissance faciale dans l'espace public ({country})",
                "how camera networks with facial recognition are regulated",
                ["facial-recognition", "surveillance"],
                "surveillance",
            ),
            (
                "Briefing: spyware export controls and {country}",
                "Note : contrôle des exportations de logiciels espions et {country}",
                "which rules govern the sale of spyware to state agencies",
                ["spyware", "surveillance"],
                "surveillance",
            ),
            (
                "Q&A: what investors ask camera makers about sales in {country}",
                "Questions-réponses : ce que les investisseurs demandent aux fabricants de "
                "caméras ({country})",
                "the questions investors put to surveillance equipment makers",
                ["investors", "surveillance"],
                "surveillance",
            ),
            (
                "Analysis: data protection gaps in smart-city projects in {country}",
                "Analyse : les lacunes de la protection des données dans les villes "
                "intelligentes ({country})",
                "where smart-city contracts leave personal data unprotected",
                ["data-protection", "privacy"],
                "privacy",
            ),
        ],
    },
    "internet-shutdowns": {
        "countries": ["ET", "PK", "NG", "BD", "IQ", "SD", "VE", "KZ"],
        "themes": [
            (
                "Explainer: what network disruptions cost small businesses in {country}",
                "Décryptage : ce que les coupures de réseau coûtent aux petites entreprises "
                "({country})",
                "the economic cost of network disruptions for small firms",
                ["internet-shutdowns"],
                "freedom-of-expression",
            ),
            (
                "Briefing: how telecoms operators handle shutdown orders in {country}",
                "Note : comment les opérateurs traitent les ordres de coupure ({country})",
                "how operators receive, question and disclose shutdown orders",
                ["internet-shutdowns", "censorship"],
                "freedom-of-expression",
            ),
            (
                "Timeline: connectivity restrictions around elections in {country}",
                "Chronologie : restrictions de connectivité en période électorale ({country})",
                "restrictions on connectivity around election periods",
                ["internet-shutdowns", "civic-space"],
                "freedom-of-expression",
            ),
            (
                "Q&A: VPN use and blocked platforms in {country}",
                "Questions-réponses : VPN et plateformes bloquées ({country})",
                "how people reach blocked platforms through VPNs",
                ["vpn", "censorship"],
                "privacy",
            ),
        ],
    },
    "human-rights-defenders": {
        "countries": ["CO", "HN", "PH", "UG", "GT", "KH", "PE", "TH"],
        "themes": [
            (
                "Briefing: online harassment of land and environmental defenders in {country}",
                "Note : le harcèlement en ligne des défenseurs de la terre et de "
                "l'environnement ({country})",
                "online harassment faced by land and environmental defenders",
                ["human-rights-defenders", "civic-space"],
                "freedom-of-expression",
            ),
            (
                "Explainer: lawsuits against public participation in {country}",
                "Décryptage : les poursuites-bâillons ({country})",
                "lawsuits used to silence people who criticise companies",
                ["human-rights-defenders", "litigation"],
                "freedom-of-expression",
            ),
            (
                "Q&A: digital security support for defenders in {country}",
                "Questions-réponses : la sécurité numérique des défenseurs ({country})",
                "digital security support available to defenders",
                ["human-rights-defenders", "privacy"],
                "privacy",
            ),
            (
                "Analysis: company commitments on defenders and their follow-up in {country}",
                "Analyse : les engagements des entreprises envers les défenseurs ({country})",
                "whether company commitments on defenders are followed up",
                ["human-rights-defenders", "due-diligence"],
                "discrimination",
            ),
        ],
    },
}

KINDS = ["article", "article", "story", "opinion", "response"]
NOTE = "This is generated demonstration content for the Resource Centre demo site."


def _country_name(code: str, language: str) -> str:
    with translation.override(language):
        return str(countries.name(code))


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def generated_items() -> list[dict]:
    """Demo items in the data.json item format, about 25 per topic, oldest first."""
    items: list[dict] = []
    for topic_index, (topic, spec) in enumerate(TOPICS.items()):
        first = FIRST_DATE + dt.timedelta(days=5 * topic_index)
        story_slug = None
        for i in range(ITEMS_PER_TOPIC):
            date = first + dt.timedelta(days=STEP_DAYS * i)
            code = spec["countries"][(i // 4) % len(spec["countries"])]
            title_en, title_fr, about, tags, issue = spec["themes"][i % len(spec["themes"])]
            kind = KINDS[i % len(KINDS)]
            slug = f"demo-{topic}-{i + 1:02d}"
            company, name = FICTIONAL_COMPANIES[(i + topic_index) % len(FICTIONAL_COMPANIES)]
            common = {
                "slug": slug,
                "status": "published",
                "original_language": "en",
                "topics": [topic],
                "countries": [code],
                "tags": tags,
                "companies": [company] if i % 3 == 0 or kind == "response" else [],
            }
            if kind == "response" and story_slug:
                outcome = OUTCOMES[(i // len(KINDS) + topic_index) % len(OUTCOMES)]
                requested = date - dt.timedelta(days=12)
                responded = requested + dt.timedelta(days=6)
                verb = {
                    "responded": "responded",
                    "declined": "declined to respond",
                    "no_response": "did not respond",
                }[outcome]
                items.append(
                    {
                        **common,
                        "kind": "response",
                        "date": date.isoformat(),
                        "title": {"en": f"{name} {verb}"},
                        "summary": {
                            "en": f"The company's answer to our request about {about}.",
                        },
                        "body": {"en": _p(NOTE)},
                        "company": company,
                        "responds_to": story_slug,
                        "outcome": outcome,
                        "requested_on": requested.isoformat(),
                        "responded_on": (
                            responded.isoformat() if outcome != "no_response" else None
                        ),
                        "document_url": "",
                        "issues": [issue],
                    }
                )
                continue
            title = {"en": title_en.format(country=_country_name(code, "en"))}
            summary = {"en": f"A look at {about} in {_country_name(code, 'en')}."}
            if i % 7 == 1:
                title["fr"] = title_fr.format(country=_country_name(code, "fr"))
            item = {
                **common,
                "kind": kind,
                "date": date.isoformat(),
                "title": title,
                "summary": summary,
                "body": {"en": _p(summary["en"], NOTE)},
            }
            if kind == "article":
                item.update(
                    author={"en": AUTHORS[i % len(AUTHORS)]},
                    publication={"en": "The Example Gazette (fictional)"},
                    original_headline={"en": title["en"].split(": ", 1)[-1]},
                    original_date=(date - dt.timedelta(days=1)).isoformat(),
                    source_url=f"https://gazette.example/{slug}",
                )
            elif kind == "story":
                item["related"] = []
                story_slug = slug
            elif kind == "opinion":
                item.update(
                    author_name=AUTHORS[(i + 1) % len(AUTHORS)],
                    author_role={"en": "Researcher"},
                    author_organisation={"en": "Example Institute (fictional)"},
                    series={"en": "Demo blog series"},
                )
            items.append(item)
    return items
