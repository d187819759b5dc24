"""A realistic archive at scale, built inside the database: `manage.py build_archive`.

`build_archive(articles=N)` fills the configured database (SQLite or PostgreSQL) with N
articles and, in proportion, stories (10 %), company responses (10 %), opinions (2 %) and
statements (1 %), each an `Item` row plus a row in its kind's own table, with the companies,
sectors, topics, tags and issues they point at. The shape is what the pages have to cope
with on a real archive:

- topic `digital-freedom` (under the root `technology-and-human-rights`) carries 30 % of
  the items, company `big-co` 5 % (some of the responses are its own);
- "workers" is in 40 % of the English bodies (and the same word in each translation:
  "travailleurs", "العمال", ...); "cobalt" in one item in 5,000, and always in the first;
- about 2 % drafts and 1 % scheduled items are mixed in; publication dates cover ten years;
- a third of the items have a translation, most have countries and tags, every item has a
  topic, about half name companies.

Everything is arithmetic on the item's number (and the seed): the same seed gives the same
archive. The items are written with set-based SQL (`INSERT ... SELECT` over a series of
numbers, `generate_series` on PostgreSQL, a recursive CTE on SQLite), so one code path
builds 200 items for a test and a million for a benchmark. Table and column names come from
the models' `_meta` and modeltranslation's column names.

PostgreSQL computes the ten generated search vectors of every `Item` row as it is written,
which makes that insert the slow step (CPU-bound): archives of 20,000 items or more are
written there by one connection per CPU, side by side (see `build_archive()`).

`search_extra` is computed in the same SQL, from the names `search_text_for()` would
collect (each kind's `search_names()`: an article's author and publication, an opinion's
author, role and organisation, then the public companies named, by name), because calling
`refresh_search_text()` on a million items would take longer than the build.
"""

import datetime as dt
import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django_countries import countries

from companies.models import Company, Sector
from resource_centre import content_version
from resource_centre.i18n import LANGUAGE_CODES, column
from resource_centre.publishing import Status
from responses.models import CompanyResponse, Issue, Outcome
from search import facet_counts
from search.models import FacetCount, ItemFacets
from stories.models import Article, Item, Kind, Opinion, Signatory, Statement, Story, Tag, Topic

# -- Shape ---------------------------------------------------------------------------------

#: Per 100 articles, how many items of each other kind.
KIND_SHARES = {Kind.STORY: 10, Kind.RESPONSE: 10, Kind.OPINION: 2, Kind.STATEMENT: 1}
MAX_COMPANIES = 2000
MIN_COMPANIES = 5
#: Archives of this many items or more are written by several connections on PostgreSQL.
PARALLEL_FROM = 20_000
#: Items per INSERT when several connections write them.
ITEMS_PER_CHUNK = 25_000
TAG_COUNT = 500
TOPIC_TREES = 10
CHILDREN_PER_TREE = 9
YEARS = 10
DIGITAL_FREEDOM_PERCENT = 30
BIG_CO_PERCENT = 5
COMPANIES_PERCENT = 50
WORKERS_PERCENT = 40
COBALT_EVERY = 5000
TRANSLATED_PERCENT = 33.34
DRAFT_PERCENT = 2
SCHEDULED_PERCENT = 1

HUB_SLUG = "technology-and-human-rights"
TOPIC_SLUG = "digital-freedom"
BIG_CO_SLUG = "big-co"
SLUG_PREFIX = "archive"
#: The languages items are translated into (one each, for a third of the items).
OTHER_LANGUAGES = [code for code in LANGUAGE_CODES if code != "en"]

# -- Vocabulary ----------------------------------------------------------------------------
# Every language's word for "workers" appears in its bodies exactly when "workers" appears in
# the English body, and nowhere else (not in titles, summaries, names or the other
# sentences), so a search for it finds the share it should.

COMPANY = "{company}"
COUNTRY = "{country}"
#: Where a statement run in chunks takes its range of item numbers.
FIRST, LAST = "__first__", "__last__"

TEXT = {
    "en": {
        "title": [
            "Investigation finds abuses in supply chains in {country}",
            "Communities in {country} demand remedy for environmental damage",
            "New due diligence law debated in {country}",
            "Rights groups raise concerns over surveillance exports to {country}",
            "Garment factories in {country} face scrutiny over wages",
            "Land dispute in {country} escalates as project expands",
            "Report: human rights defenders under pressure in {country}",
            "Court ruling in {country} sets precedent for corporate accountability",
        ],
        "company_title": [
            "{company} accused of labour abuses in {country}",
            "{company} faces lawsuit over pollution in {country}",
            "Investors question {company} over operations in {country}",
            "{company} suspends supplier in {country} after audit",
            "NGOs urge {company} to address concerns in {country}",
            "{company} publishes human rights assessment for {country}",
        ],
        "response_title": [
            "{company} response to allegations in {country}",
            "Response by {company} regarding its operations in {country}",
        ],
        "summary": [
            "A look at how companies operating in {country} respond to allegations of harm.",
            "What the latest findings mean for the people affected in {country}.",
            "Researchers and campaigners set out the evidence from {country} and what should "
            "change.",
            "The case from {country} raises questions about corporate due diligence.",
            "Key facts, reactions and next steps in {country}.",
        ],
        "sentences": [
            "Civil society groups said the company had not published the findings of its "
            "latest supplier audit.",
            "Local communities told researchers they were not consulted before the expansion "
            "began.",
            "Investors have asked the firm to explain how it identifies and remedies harm in "
            "its supply chain.",
            "The report calls for mandatory human rights due diligence across the sector.",
            "Lawyers representing the affected families filed a complaint with the national "
            "contact point.",
            "Regulators are considering new disclosure rules for companies operating in "
            "high-risk areas.",
            "The company said it takes the allegations seriously and has opened an internal "
            "review.",
            "Journalists documented repeated delays in wage payments at several factories.",
            "Environmental defenders reported threats after speaking out against the project.",
            "A coalition of organisations urged buyers to adopt responsible purchasing practices.",
            "The government announced an inquiry into the conditions described in the "
            "investigation.",
            "Independent monitors found that grievance mechanisms were rarely used or trusted.",
            "Data collected by the researchers points to a pattern of unsafe overtime during "
            "peak season.",
            "Shareholders will vote on a resolution asking for an independent human rights "
            "assessment.",
            "Indigenous leaders said the land had been leased without their free, prior and "
            "informed consent.",
            "The firm's suppliers were asked to sign a new code of conduct by the end of the year.",
            "Trade unions welcomed the agreement but warned that implementation will be the "
            "real test.",
            "Several brands declined to say whether they had sourced from the facilities named.",
            "The court ordered the company to pay compensation and to restore access to clean "
            "water.",
            "Experts warned that surveillance tools sold to the authorities could be used "
            "against protesters.",
            "Platform couriers said algorithmic management left them with little control over "
            "their hours.",
            "The audit firm said its inspections were announced in advance, limiting what they "
            "could find.",
            "Campaigners published a ranking of companies by their commitments on living wages.",
            "The ministry said it would review export licences for the technology in question.",
        ],
        "workers": [
            "Workers said they had been forced to pay recruitment fees to secure their jobs.",
            "More than two hundred workers were dismissed after attempting to form a union.",
            "Migrant workers described having their passports held by their employer.",
            "The workers' representatives called for an independent investigation into the "
            "injuries.",
        ],
        "cobalt": [
            "Artisanal miners supplying cobalt to battery makers described dangerous conditions "
            "in the tunnels.",
        ],
    },
    "fr": {
        "title": [
            "Une enquête révèle des abus dans les chaînes d'approvisionnement ({country})",
            "Des communautés réclament réparation pour des dommages environnementaux ({country})",
            "Débat sur une nouvelle loi sur le devoir de vigilance ({country})",
        ],
        "company_title": [
            "{company} accusée d'atteintes aux droits du travail ({country})",
            "Des investisseurs interpellent {company} sur ses activités ({country})",
        ],
        "response_title": ["Réponse de {company} aux allégations ({country})"],
        "summary": [
            "Comment les entreprises présentes ({country}) répondent aux allégations.",
            "Ce que les dernières conclusions signifient pour les personnes concernées "
            "({country}).",
        ],
        "sentences": [
            "Des organisations de la société civile affirment que l'entreprise n'a pas publié "
            "les résultats de son dernier audit.",
            "Les communautés locales n'ont pas été consultées avant le début du projet.",
            "Les investisseurs demandent à l'entreprise d'expliquer comment elle remédie aux "
            "atteintes dans sa chaîne d'approvisionnement.",
            "Le rapport appelle à un devoir de vigilance obligatoire dans tout le secteur.",
            "Les autorités envisagent de nouvelles règles de transparence pour les entreprises.",
        ],
        "workers": [
            "Les travailleurs affirment avoir dû payer des frais de recrutement pour obtenir "
            "leur emploi.",
            "Plus de deux cents travailleurs ont été licenciés après avoir tenté de créer un "
            "syndicat.",
        ],
        "cobalt": [
            "Des mineurs artisanaux qui fournissent du cobalt aux fabricants de batteries "
            "décrivent des conditions dangereuses.",
        ],
    },
    "es": {
        "title": [
            "Una investigación revela abusos en las cadenas de suministro ({country})",
            "Comunidades exigen reparación por daños ambientales ({country})",
            "Debate sobre una nueva ley de debida diligencia ({country})",
        ],
        "company_title": [
            "Acusan a {company} de abusos laborales ({country})",
            "Inversores cuestionan a {company} por sus operaciones ({country})",
        ],
        "response_title": ["Respuesta de {company} a las denuncias ({country})"],
        "summary": [
            "Cómo responden a las denuncias las empresas presentes ({country}).",
            "Qué significan los últimos hallazgos para las personas afectadas ({country}).",
        ],
        "sentences": [
            "Organizaciones de la sociedad civil afirman que la empresa no publicó los "
            "resultados de su última auditoría.",
            "Las comunidades locales no fueron consultadas antes de la ampliación del proyecto.",
            "Los inversores piden a la empresa que explique cómo repara los daños en su cadena "
            "de suministro.",
            "El informe pide una debida diligencia obligatoria en materia de derechos humanos "
            "en todo el sector.",
            "Las autoridades estudian nuevas normas de transparencia para las empresas.",
        ],
        "workers": [
            "Los trabajadores denunciaron que tuvieron que pagar comisiones de contratación "
            "para conseguir su empleo.",
            "Más de doscientos trabajadores fueron despedidos tras intentar formar un sindicato.",
        ],
        "cobalt": [
            "Mineros artesanales que suministran cobalto a fabricantes de baterías describen "
            "condiciones peligrosas.",
        ],
    },
    "de": {
        "title": [
            "Untersuchung deckt Missstände in Lieferketten auf ({country})",
            "Gemeinden fordern Wiedergutmachung für Umweltschäden ({country})",
            "Debatte über ein neues Lieferkettengesetz ({country})",
        ],
        "company_title": [
            "Vorwürfe wegen Verletzung von Arbeitsrechten gegen {company} ({country})",
            "Investoren stellen {company} Fragen zu ihren Geschäften ({country})",
        ],
        "response_title": ["Stellungnahme von {company} zu den Vorwürfen ({country})"],
        "summary": [
            "Wie Unternehmen auf Vorwürfe reagieren ({country}).",
            "Was die neuen Erkenntnisse für die Betroffenen bedeuten ({country}).",
        ],
        "sentences": [
            "Zivilgesellschaftliche Organisationen erklärten, das Unternehmen habe die "
            "Ergebnisse seines letzten Audits nicht veröffentlicht.",
            "Die lokalen Gemeinden wurden vor Beginn des Projekts nicht angehört.",
            "Investoren fordern das Unternehmen auf, darzulegen, wie es Schäden in seiner "
            "Lieferkette behebt.",
            "Der Bericht fordert verbindliche menschenrechtliche Sorgfaltspflichten für die "
            "gesamte Branche.",
            "Die Behörden prüfen neue Offenlegungspflichten für Unternehmen.",
        ],
        "workers": [
            "Die Arbeiter berichteten, sie hätten Vermittlungsgebühren zahlen müssen, um ihre "
            "Stelle zu bekommen.",
            "Mehr als zweihundert Arbeiter wurden entlassen, nachdem sie versucht hatten, eine "
            "Gewerkschaft zu gründen.",
        ],
        "cobalt": [
            "Kleinbergleute, die Kobalt an Batteriehersteller liefern, beschreiben gefährliche "
            "Bedingungen.",
        ],
    },
    "pt": {
        "title": [
            "Investigação revela abusos nas cadeias de fornecimento ({country})",
            "Comunidades exigem reparação por danos ambientais ({country})",
            "Debate sobre uma nova lei de devida diligência ({country})",
        ],
        "company_title": [
            "{company} é acusada de abusos trabalhistas ({country})",
            "Investidores questionam a {company} sobre as suas operações ({country})",
        ],
        "response_title": ["Resposta da {company} às denúncias ({country})"],
        "summary": [
            "Como as empresas presentes ({country}) respondem às denúncias.",
            "O que as últimas conclusões significam para as pessoas afetadas ({country}).",
        ],
        "sentences": [
            "Organizações da sociedade civil afirmam que a empresa não publicou os resultados "
            "da sua última auditoria.",
            "As comunidades locais não foram consultadas antes do início do projeto.",
            "Os investidores pedem à empresa que explique como repara os danos na sua cadeia "
            "de fornecimento.",
            "O relatório defende a devida diligência obrigatória em direitos humanos em todo o "
            "setor.",
            "As autoridades estudam novas regras de transparência para as empresas.",
        ],
        "workers": [
            "Os trabalhadores disseram ter pago taxas de recrutamento para conseguir o emprego.",
            "Mais de duzentos trabalhadores foram demitidos depois de tentarem formar um "
            "sindicato.",
        ],
        "cobalt": [
            "Mineiros artesanais que fornecem cobalto a fabricantes de baterias descrevem "
            "condições perigosas.",
        ],
    },
    "ru": {
        "title": [
            "Расследование выявило нарушения в цепочках поставок ({country})",
            "Местные общины требуют возмещения экологического ущерба ({country})",
            "Обсуждение нового закона о должной осмотрительности ({country})",
        ],
        "company_title": [
            "{company} обвиняют в нарушении трудовых прав ({country})",
            "Инвесторы задают вопросы {company} о её деятельности ({country})",
        ],
        "response_title": ["Ответ {company} на обвинения ({country})"],
        "summary": [
            "Как компании отвечают на обвинения ({country}).",
            "Что новые выводы означают для пострадавших ({country}).",
        ],
        "sentences": [
            "Организации гражданского общества заявили, что компания не опубликовала "
            "результаты последнего аудита.",
            "С местными общинами не консультировались до начала проекта.",
            "Инвесторы просят компанию объяснить, как она устраняет ущерб в своей цепочке "
            "поставок.",
            "Авторы доклада призывают ввести обязательную должную осмотрительность в области "
            "прав человека.",
            "Власти рассматривают новые правила раскрытия информации для компаний.",
        ],
        "workers": [
            "Рабочие рассказали, что им пришлось платить за трудоустройство.",
            "Более двухсот рабочих были уволены после попытки создать профсоюз.",
        ],
        "cobalt": [
            "Старатели, поставляющие кобальт производителям аккумуляторов, описывают опасные "
            "условия.",
        ],
    },
    "ar": {
        "title": [
            "تحقيق يكشف انتهاكات في سلاسل التوريد ({country})",
            "مجتمعات محلية تطالب بتعويض عن أضرار بيئية ({country})",
            "نقاش حول قانون جديد للعناية الواجبة ({country})",
        ],
        "company_title": [
            "اتهام {company} بانتهاك حقوق العمل ({country})",
            "مستثمرون يسائلون {company} عن أنشطتها ({country})",
        ],
        "response_title": ["رد {company} على الادعاءات ({country})"],
        "summary": [
            "كيف تستجيب الشركات للادعاءات ({country}).",
            "ماذا تعني النتائج الأخيرة للمتضررين ({country}).",
        ],
        "sentences": [
            "قالت منظمات المجتمع المدني إن الشركة لم تنشر نتائج آخر تدقيق لها.",
            "لم تتم استشارة المجتمعات المحلية قبل بدء المشروع.",
            "يطالب المستثمرون الشركة بتوضيح كيفية معالجة الأضرار في سلسلة التوريد.",
            "يدعو التقرير إلى عناية واجبة إلزامية في مجال حقوق الإنسان في القطاع بأكمله.",
            "تدرس السلطات قواعد جديدة للإفصاح تطبق على الشركات.",
        ],
        "workers": [
            "قال العمال إنهم اضطروا إلى دفع رسوم توظيف للحصول على وظائفهم.",
            "فُصل أكثر من مئتين من العمال بعد محاولتهم تأسيس نقابة.",
        ],
        "cobalt": ["يصف المنقبون الحرفيون الذين يوردون الكوبالت لمصنعي البطاريات ظروفاً خطرة."],
    },
    "zh-hans": {
        "title": [
            "调查揭示供应链中的侵权行为（{country}）",
            "社区要求就环境损害获得补救（{country}）",
            "新的尽职调查法引发讨论（{country}）",
        ],
        "company_title": [
            "{company}被指侵犯劳动权利（{country}）",
            "投资者就{company}的业务提出质询（{country}）",
        ],
        "response_title": ["{company}就指控作出回应（{country}）"],
        "summary": [
            "在{country}经营的企业如何回应指控。",
            "最新调查结果对{country}受影响者意味着什么。",
        ],
        "sentences": [
            "民间社会组织表示，该公司没有公布最近一次审计的结果。",
            "项目开始前没有征求当地社区的意见。",
            "投资者要求该公司说明如何补救其供应链中的损害。",
            "报告呼吁整个行业实行强制性人权尽职调查。",
            "当局正在考虑针对企业的新的信息披露规则。",
        ],
        "workers": [
            "工人们说，他们必须支付招聘费才能得到工作。",
            "两百多名工人在试图组建工会后被解雇。",
        ],
        "cobalt": ["向电池制造商供应钴的手工采矿者描述了危险的条件。"],
    },
    "ja": {
        "title": [
            "調査でサプライチェーンにおける人権侵害が明らかに（{country}）",
            "地域社会が環境被害の救済を求める（{country}）",
            "新たな人権デューディリジェンス法をめぐる議論（{country}）",
        ],
        "company_title": [
            "{company}に労働権侵害の疑い（{country}）",
            "投資家が{company}の事業について説明を要求（{country}）",
        ],
        "response_title": ["{company}が申し立てに回答（{country}）"],
        "summary": [
            "{country}で事業を行う企業は申し立てにどう対応しているか。",
            "最新の調査結果が{country}の影響を受けた人々にとって意味すること。",
        ],
        "sentences": [
            "市民社会団体によると、同社は最新の監査結果を公表していない。",
            "事業開始前に地域社会との協議は行われなかった。",
            "投資家は同社に対し、サプライチェーンにおける被害の救済方法の説明を求めている。",
            "報告書は業界全体での人権デューディリジェンスの義務化を求めている。",
            "当局は企業向けの新たな情報開示規則を検討している。",
        ],
        "workers": [
            "労働者たちは、仕事を得るために仲介手数料を支払わされたと話した。",
            "組合を結成しようとした二百人以上の労働者が解雇された。",
        ],
        "cobalt": ["電池メーカーにコバルトを供給する零細鉱山の採掘者は危険な状況を語った。"],
    },
    "ko": {
        "title": [
            "조사 결과 공급망 인권 침해 드러나 ({country})",
            "지역 공동체, 환경 피해 구제 요구 ({country})",
            "새 인권실사법 둘러싼 논쟁 ({country})",
        ],
        "company_title": [
            "{company}, 노동권 침해 의혹 ({country})",
            "투자자들, {company}에 사업 관련 설명 요구 ({country})",
        ],
        "response_title": ["{company}, 의혹에 대해 답변 ({country})"],
        "summary": [
            "{country}에서 활동하는 기업들은 의혹에 어떻게 대응하는가.",
            "최신 조사 결과가 {country}의 피해자들에게 의미하는 것.",
        ],
        "sentences": [
            "시민사회단체들은 이 회사가 최근 감사 결과를 공개하지 않았다고 밝혔다.",
            "사업 시작 전에 지역 공동체와의 협의가 이루어지지 않았다.",
            "투자자들은 회사에 공급망 내 피해를 어떻게 구제하는지 설명하라고 요구했다.",
            "보고서는 업계 전반에 걸친 의무적 인권실사를 촉구했다.",
            "당국은 기업을 위한 새로운 정보공개 규정을 검토하고 있다.",
        ],
        "workers": [
            "노동자들은 일자리를 얻기 위해 알선 수수료를 내야 했다고 말했다.",
            "조합을 결성하려던 노동자 이백여 명이 해고됐다.",
        ],
        "cobalt": ["배터리 제조사에 코발트를 공급하는 영세 광부들은 위험한 환경을 증언했다."],
    },
}
#: The common word each language's "workers" sentences share (what the tests search for).
WORKERS_WORD = {
    "en": "workers",
    "fr": "travailleurs",
    "es": "trabajadores",
    "de": "Arbeiter",
    "pt": "trabalhadores",
    "ru": "рабочих",
    "ar": "العمال",
    "zh-hans": "工人",
    "ja": "労働者",
    "ko": "노동자",
}
#: Text slots of the lookup table, and how many entries each holds in every language (a
#: language with fewer is cycled), so one index picks the same slot in any language.
SLOTS = {"title": 8, "company_title": 6, "response_title": 2, "summary": 5, "paragraph": 64}
SLOTS.update(workers=4, cobalt=1)
SENTENCES_PER_PARAGRAPH = 3

COUNTRY_CODES = (
    "AR AU BD BR CA CD CL CN CO DE EG ES ET FR GB GH GT HN ID IN IT JP KE KH KR KZ LK MA MM MX "
    "MY NG NL PE PH PK RU SA SE TH TR TZ UG US UZ VE VN ZA ZM ZW"
).split()

#: Topic trees: (English title, French title); the first is the named hub.
ROOT_TOPICS = [
    ("Technology and Human Rights", "Technologie et droits humains"),
    ("Labour Rights", "Droits du travail"),
    ("Environment", "Environnement"),
    ("Conflict and Peace", "Conflits et paix"),
    ("Land and Indigenous Peoples", "Terres et peuples autochtones"),
    ("Corporate Accountability", "Responsabilité des entreprises"),
    ("Health", "Santé"),
    ("Finance and Investment", "Finance et investissement"),
    ("Gender Equality", "Égalité femmes-hommes"),
    ("Natural Resources", "Ressources naturelles"),
]
TECH_CHILDREN = [
    ("Digital Freedom", "Liberté numérique"),
    ("Surveillance", "Surveillance"),
    ("Platform Work", "Travail de plateforme"),
    ("Artificial Intelligence", "Intelligence artificielle"),
    ("Data Protection", "Protection des données"),
    ("Online Harassment", "Harcèlement en ligne"),
    ("Internet Shutdowns", "Coupures d'Internet"),
    ("Content Moderation", "Modération des contenus"),
    ("Technology Supply Chains", "Chaînes d'approvisionnement technologiques"),
]
REGIONS = [
    ("Africa", "Afrique"),
    ("Asia", "Asie"),
    ("Europe", "Europe"),
    ("Latin America", "Amérique latine"),
    ("Middle East", "Moyen-Orient"),
    ("North America", "Amérique du Nord"),
    ("Central Asia", "Asie centrale"),
    ("Caribbean", "Caraïbes"),
    ("Pacific", "Pacifique"),
]

#: Tag concepts in every language; each tag is a concept in a country ("Forced labour – Brazil").
TAG_CONCEPTS = [
    ["Forced labour", "Trabajo forzoso", "Travail forcé", "Zwangsarbeit", "Trabalho forçado",
     "Принудительный труд", "العمل القسري", "强迫劳动", "強制労働", "강제노동"],
    ["Child labour", "Trabajo infantil", "Travail des enfants", "Kinderarbeit",
     "Trabalho infantil", "Детский труд", "عمل الأطفال", "童工", "児童労働", "아동노동"],
    ["Living wages", "Salario digno", "Salaire décent", "Existenzsichernde Löhne",
     "Salário digno", "Достойная оплата", "الأجر المعيشي", "生活工资", "生活賃金", "생활임금"],
    ["Freedom of association", "Libertad sindical", "Liberté syndicale",
     "Vereinigungsfreiheit", "Liberdade sindical", "Свобода объединений",
     "حرية تكوين الجمعيات", "结社自由", "結社の自由", "결사의 자유"],
    ["Health and safety", "Salud y seguridad", "Santé et sécurité", "Arbeitsschutz",
     "Saúde e segurança", "Охрана труда", "الصحة والسلامة", "健康与安全", "安全衛生", "보건안전"],
    ["Land rights", "Derechos sobre la tierra", "Droits fonciers", "Landrechte",
     "Direitos à terra", "Земельные права", "حقوق الأرض", "土地权利", "土地の権利", "토지권"],
    ["Indigenous peoples", "Pueblos indígenas", "Peuples autochtones", "Indigene Völker",
     "Povos indígenas", "Коренные народы", "الشعوب الأصلية", "原住民", "先住民族", "원주민"],
    ["Water", "Agua", "Eau", "Wasser", "Água", "Вода", "المياه", "水资源", "水資源", "수자원"],
    ["Climate", "Clima", "Climat", "Klima", "Clima", "Климат", "المناخ", "气候", "気候", "기후"],
    ["Privacy", "Privacidad", "Vie privée", "Privatsphäre", "Privacidade",
     "Частная жизнь", "الخصوصية", "隐私", "プライバシー", "개인정보"],
    ["Surveillance", "Vigilancia", "Surveillance", "Überwachung", "Vigilância", "Слежка",
     "المراقبة", "监控", "監視", "감시"],
    ["Freedom of expression", "Libertad de expresión", "Liberté d'expression",
     "Meinungsfreiheit", "Liberdade de expressão", "Свобода слова", "حرية التعبير",
     "言论自由", "表現の自由", "표현의 자유"],
    ["Human rights defenders", "Personas defensoras", "Défenseurs des droits humains",
     "Menschenrechtsverteidiger", "Defensores de direitos humanos", "Правозащитники",
     "المدافعون عن حقوق الإنسان", "人权捍卫者", "人権擁護者", "인권옹호자"],
    ["Discrimination", "Discriminación", "Discrimination", "Diskriminierung",
     "Discriminação", "Дискриминация", "التمييز", "歧视", "差別", "차별"],
    ["Migrants", "Migrantes", "Migrants", "Migranten", "Migrantes", "Мигранты",
     "المهاجرون", "移民", "移住者", "이주민"],
    ["Due diligence", "Debida diligencia", "Devoir de vigilance", "Sorgfaltspflicht",
     "Devida diligência", "Должная осмотрительность", "العناية الواجبة", "尽职调查",
     "デューディリジェンス", "실사"],
    ["Access to remedy", "Acceso a reparación", "Accès à la réparation", "Zugang zu Abhilfe",
     "Acesso a reparação", "Доступ к защите", "الوصول إلى الانتصاف", "获得补救",
     "救済へのアクセス", "구제 접근"],
    ["Pollution", "Contaminación", "Pollution", "Umweltverschmutzung", "Poluição",
     "Загрязнение", "التلوث", "污染", "汚染", "오염"],
    ["Corruption", "Corrupción", "Corruption", "Korruption", "Corrupção", "Коррупция",
     "الفساد", "腐败", "汚職", "부패"],
    ["Gender equality", "Igualdad de género", "Égalité femmes-hommes", "Gleichstellung",
     "Igualdade de gênero", "Гендерное равенство", "المساواة بين الجنسين", "性别平等",
     "ジェンダー平等", "성평등"],
]  # fmt: skip

SECTORS = [
    ("Mining and metals", "Mines et métaux", "Minería y metales"),
    ("Oil and gas", "Pétrole et gaz", "Petróleo y gas"),
    ("Renewable energy", "Énergies renouvelables", "Energías renovables"),
    ("Textiles and apparel", "Textile et habillement", "Textil y confección"),
    ("Food and beverage", "Agroalimentaire", "Alimentos y bebidas"),
    ("Agriculture", "Agriculture", "Agricultura"),
    ("Technology", "Technologie", "Tecnología"),
    ("Telecommunications", "Télécommunications", "Telecomunicaciones"),
    ("Transport and logistics", "Transport et logistique", "Transporte y logística"),
    ("Automotive", "Automobile", "Automoción"),
    ("Chemicals", "Chimie", "Química"),
    ("Pharmaceuticals", "Pharmacie", "Farmacéutica"),
    ("Construction", "Construction", "Construcción"),
    ("Forestry and paper", "Forêts et papier", "Silvicultura y papel"),
    ("Retail", "Distribution", "Comercio minorista"),
    ("Hospitality and tourism", "Hôtellerie et tourisme", "Hostelería y turismo"),
    ("Financial services", "Services financiers", "Servicios financieros"),
    ("Security", "Sécurité", "Seguridad"),
    ("Media and entertainment", "Médias et divertissement", "Medios y entretenimiento"),
    ("Utilities", "Services publics", "Servicios públicos"),
]
#: Company name parts: each prefix with each noun once (40 x 50 = 2,000 names); each noun
#: belongs to a sector (its index in SECTORS).
COMPANY_PREFIXES = (
    "Aster Boreal Cedar Delta Ember Fjord Granite Harbor Iris Juniper Kestrel Lumen Meridian "
    "Nimbus Orchid Pioneer Quartz Ridge Summit Tundra Umber Vertex Willow Xenon Yarrow Zenith "
    "Atlas Beacon Cascade Dune Equinox Falcon Glacier Horizon Indigo Jasper Keystone Lotus "
    "Monarch Nova"
).split()
COMPANY_NOUNS = [
    ("Mining", 0), ("Metals", 0), ("Oil & Gas", 1), ("Petroleum", 1), ("Energy", 2),
    ("Solar", 2), ("Textiles", 3), ("Apparel", 3), ("Footwear", 3), ("Foods", 4),
    ("Beverages", 4), ("Agriculture", 5), ("Palm Oil", 5), ("Cocoa", 5), ("Software", 6),
    ("Data", 6), ("Electronics", 6), ("Semiconductors", 6), ("Platforms", 6), ("Telecom", 7),
    ("Networks", 7), ("Logistics", 8), ("Shipping", 8), ("Airlines", 8), ("Motors", 9),
    ("Batteries", 9), ("Chemicals", 10), ("Fertilisers", 10), ("Pharma", 11), ("Health", 11),
    ("Construction", 12), ("Cement", 12), ("Timber", 13), ("Paper", 13), ("Retail", 14),
    ("Stores", 14), ("Hotels", 15), ("Tourism", 15), ("Bank", 16), ("Capital", 16),
    ("Insurance", 16), ("Investments", 16), ("Security", 17), ("Defence Systems", 17),
    ("Media", 18), ("Entertainment", 18), ("Water", 19), ("Waste", 19), ("Power", 19),
    ("Seafood", 4),
]  # fmt: skip
ISSUES = [
    ("Labour rights", "Droits du travail"),
    ("Environment", "Environnement"),
    ("Land rights", "Droits fonciers"),
    ("Privacy", "Vie privée"),
    ("Freedom of expression", "Liberté d'expression"),
    ("Discrimination", "Discrimination"),
    ("Health", "Santé"),
    ("Corruption", "Corruption"),
    ("Security forces", "Forces de sécurité"),
    ("Supply chains", "Chaînes d'approvisionnement"),
]
FIRST_NAMES = (
    "Amina Kenji Lucía Omar Priya Chen Fatima Jonas Maria Tunde Sofia Ahmed Elena Kwame Yuki "
    "Ana Rahul Leila Pablo Ingrid"
).split()
LAST_NAMES = (
    "Okafor Tanaka García Haddad Sharma Wei Mensah Novak Silva Adeyemi Rossi Karimi Petrova "
    "Boateng Sato Costa Gupta Nasser Ruiz Larsen"
).split()
PUBLICATIONS = [
    f"The {adjective} {noun}"
    for adjective in "Daily Global Morning Evening Weekly Independent Coastal Capital".split()
    for noun in "Ledger Courier Herald Observer Tribune".split()
]
ROLES = [
    "Researcher",
    "Senior Researcher",
    "Programme Director",
    "Policy Adviser",
    "Legal Counsel",
    "Campaign Lead",
    "Professor of Law",
    "Executive Director",
]
ORGANISATIONS = [
    "Institute for Business Ethics",
    "Centre for Corporate Accountability",
    "Global Rights Forum",
    "Open Supply Chains Initiative",
    "Rights and Resources Network",
    "Digital Liberties Lab",
    "Fair Finance Coalition",
    "Climate Justice Alliance",
]
SERIES = ["Business and human rights blog", "Perspectives", "Voices from the field"]
SIGNATORIES = [
    f"{kind} {cause}"
    for kind in ["Alliance for", "Coalition for", "Network for", "Friends of", "Centre for"]
    for cause in [
        "Fair Trade",
        "Clean Rivers",
        "Digital Rights",
        "Land Justice",
        "Decent Jobs",
        "Open Societies",
        "Climate Justice",
        "Indigenous Futures",
        "Accountable Business",
        "Free Media",
    ]
]
SIGNATORY_MOST = 6

# -- Arithmetic ------------------------------------------------------------------------------
# Two kinds of number per item j and "salt", in integer SQL both databases compute alike
# (products stay below 2^63), with M = 2^31 - 1:
# - a pseudo-random number, ((j + s) * a mod M)^2 mod M, for the choices of text, tags,
#   countries and companies; different salts give uncorrelated choices;
# - a share, (j * w + s) mod M scaled to [0, 10000), w / M the fractional part of the square
#   root of a prime (a Weyl sequence), for the proportions the tests and the benchmark rely
#   on (topic, big-co, "workers", drafts, translations): every run of consecutive items has
#   close to the exact share, even 200 of them, and different salts stay independent.

MODULUS = 2_147_483_647
MULTIPLIERS = [
    1_103_515_245, 1_664_525_001, 2_053_222_587, 1_946_834_279, 1_385_212_223, 1_583_002_903,
    1_827_683_501, 1_231_938_361, 1_899_999_991, 1_765_432_109, 1_612_345_679, 1_978_123_457,
    1_456_789_013, 1_357_913_579, 1_246_813_579, 1_111_111_121,
]  # fmt: skip
WEYL = [int(((prime**0.5) % 1) * MODULUS) for prime in (2, 3, 5, 7, 11, 13)]
SPAN_SECONDS = YEARS * 365 * 86400
DAY = 86400


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _quote(model._meta.db_table)


def _column(model, name: str) -> str:
    return _quote(model._meta.get_field(name).column)


def _sql_text(value: str) -> str:
    """A string literal for text this module wrote itself (never user input)."""
    return "'" + value.replace("'", "''") + "'"


def _names(*parts: str) -> str:
    """SQL for the non-empty `parts` joined by spaces (what `search_text_for()` joins)."""
    joined = " || ".join(f"COALESCE(' ' || NULLIF({part}, ''), '')" for part in parts)
    return f"substr({joined}, 2)"


class Dialect:
    """The few expressions SQLite and PostgreSQL spell differently."""

    def __init__(self, vendor: str):
        self.postgres = vendor == "postgresql"

    def series(self, count: int) -> str:
        """Rows numbered 1..count, in a column `i`."""
        if self.postgres:
            return f"SELECT CAST(i AS BIGINT) AS i FROM generate_series(1, {int(count)}) AS s(i)"
        return (
            f"WITH RECURSIVE s(i) AS (SELECT 1 WHERE {int(count)} >= 1 "
            f"UNION ALL SELECT i + 1 FROM s WHERE i < {int(count)}) SELECT i FROM s"
        )

    def timestamp(self, origin: dt.datetime, seconds: str) -> str:
        """`origin` plus `seconds` (an SQL integer expression), as the column stores it."""
        stamp = origin.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        if self.postgres:
            return f"(TIMESTAMPTZ '{stamp}+00' + ({seconds}) * INTERVAL '1 second')"
        return f"datetime('{stamp}', ({seconds}) || ' seconds')"  # "-90 seconds" too

    def date(self, origin: dt.datetime, seconds: str) -> str:
        """`origin`'s date plus the whole days in `seconds` (the date of origin + seconds
        when origin is a midnight, as the builder's is)."""
        day = origin.astimezone(dt.UTC).date().isoformat()
        days = f"(({seconds}) / {DAY})"
        if self.postgres:
            return f"(DATE '{day}' + CAST({days} AS INTEGER))"
        return f"date('{day}', {days} || ' days')"


# -- The archive -----------------------------------------------------------------------------


class ArchiveExists(Exception):
    """The database already holds items: building would mix the archive with them."""


@dataclass(frozen=True)
class ArchiveSize:
    """How many rows of each kind an archive of `articles` articles has."""

    articles: int

    def of_kind(self, kind: str) -> int:
        if kind == Kind.ARTICLE:
            return self.articles
        return max(1, self.articles * KIND_SHARES[kind] // 100) if self.articles else 0

    @property
    def kinds(self) -> dict[str, int]:
        """Items per kind, in the order their numbers are given out."""
        return {kind: self.of_kind(kind) for kind in [Kind.ARTICLE, *KIND_SHARES]}

    @property
    def items(self) -> int:
        return sum(self.kinds.values())

    @property
    def companies(self) -> int:
        return min(MAX_COMPANIES, max(MIN_COMPANIES, self.articles // 10))


@dataclass
class ArchiveReport:
    """What was built, and how long each step took (seconds)."""

    size: ArchiveSize
    seed: int
    vendor: str
    workers: int = 1
    counts: dict[str, int] = field(default_factory=dict)
    steps: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(took for _step, took in self.steps)


def build_archive(
    articles: int,
    seed: int = 1,
    force: bool = False,
    log: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> ArchiveReport:
    """Build an archive of `articles` articles (and the rest in proportion); see the module
    docstring. Refuses (ArchiveExists) if the database already has items, unless `force`.

    Everything happens in one transaction, except, on PostgreSQL with `workers` > 1, the
    `Item` rows: `workers` connections insert them side by side (the generated search
    vectors make that step CPU-bound, one core per connection) and commit; if the build then
    fails, those rows are deleted again. By default (`workers=None`) archives of 20,000 items
    or more use a connection per CPU on PostgreSQL (at most 4) when not already inside a
    transaction; smaller ones, SQLite and callers inside a transaction (tests) use one.
    """
    if articles < 0:
        raise ValueError("articles must be zero or more")
    if Item.objects.exists() and not force:
        raise ArchiveExists(
            f"The database already has {Item.objects.count():,} items: the archive would mix "
            "with them. Use a fresh database, or --force to add the archive anyway."
        )
    size = ArchiveSize(articles)
    if workers is None:
        big = connection.vendor == "postgresql" and size.items >= PARALLEL_FROM
        workers = min(os.cpu_count() or 1, 4) if big and not connection.in_atomic_block else 1
    if workers > 1 and (connection.vendor != "postgresql" or connection.in_atomic_block):
        raise ValueError("workers > 1 needs PostgreSQL and no transaction around the build")
    builder = _Builder(size, seed, log or (lambda line: None), workers)
    try:
        with transaction.atomic():
            builder.run()
            # Set-based SQL sends no signal: the pages and feeds cached before are stale.
            content_version.refresh()
    except BaseException:
        builder.undo_items()
        raise
    finally:
        builder.drop_work_tables()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        builder.step("VACUUM (ANALYZE)", builder.vacuum)
    builder.log(f"Built {size.items:,} items in {builder.report.seconds:.1f} s.")
    return builder.report


def _archive_models() -> list:
    """The models whose tables the build writes (facet counts aside)."""
    return [
        Item,
        Article,
        Story,
        Opinion,
        Statement,
        CompanyResponse,
        Item.topics.through,
        Item.companies.through,
        Item.tags.through,
        Story.related_items.through,
        CompanyResponse.issues.through,
        Signatory,
        Company,
        Company.sectors.through,
        Tag,
        Topic,
    ]


class _Builder:
    def __init__(self, size: ArchiveSize, seed: int, log: Callable[[str], None], workers: int):
        self.size = size
        self.seed = seed
        self.log = log
        self.workers = workers
        self.sql = Dialect(connection.vendor)
        self.report = ArchiveReport(size, seed, connection.vendor, workers)
        self.rng = random.Random(seed)
        end = timezone.now().astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        #: Publication dates run from `origin` to a day before today (scheduled items after).
        self.end = end - dt.timedelta(days=1)
        self.origin = self.end - dt.timedelta(seconds=SPAN_SECONDS)
        self.first_id = 0
        self.committed_items = False
        # The work tables (vocabulary lookups and the plan) are temporary tables of this
        # connection; with several workers, they must be seen by the workers' connections,
        # so they are unlogged tables written (and committed) through a connection of their
        # own, while the build's transaction stays open on the default connection.
        self.work_tables: list[str] = []
        if workers > 1:
            self.scratch = "UNLOGGED"
            self.work = connections.create_connection(DEFAULT_DB_ALIAS)
        else:
            self.scratch = "TEMPORARY"
            self.work = connection

    # -- helpers -----------------------------------------------------------------------

    def execute(self, sql: str, params=None, db=None) -> int:
        """Run `sql` (on `db`, the default connection if not given); without parameters,
        `%` is the modulo operator on both databases."""
        with (db or connection).cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def step(self, label: str, work: Callable[[], str]) -> None:
        started = time.perf_counter()
        detail = work()
        took = time.perf_counter() - started
        self.report.steps.append((label, took))
        self.log(f"  {label:<34} {took:7.1f} s  {detail}")

    def count(self, name: str, value: int) -> int:
        self.report.counts[name] = self.report.counts.get(name, 0) + value
        return value

    def drop(self, name: str) -> None:
        """Drop the work table `name` if it exists, and drop it again at the end."""
        self.execute(f"DROP TABLE IF EXISTS {_quote(name)}", db=self.work)
        if name not in self.work_tables:
            self.work_tables.append(name)

    def lookup_table(self, name: str, columns: list[str], key: list[str], rows: list) -> None:
        """A work table of the archive's vocabulary, for the set-based inserts."""
        self.drop(name)
        self.execute(
            f"CREATE {self.scratch} TABLE {_quote(name)} ({', '.join(columns)}, "
            f"PRIMARY KEY ({', '.join(key)}))",
            db=self.work,
        )
        marks = ", ".join(["%s"] * len(columns))
        with self.work.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", rows)
        if self.sql.postgres:
            self.execute(f"ANALYZE {_quote(name)}", db=self.work)

    def drop_work_tables(self) -> None:
        for name in self.work_tables:
            self.execute(f"DROP TABLE IF EXISTS {_quote(name)}", db=self.work)
        self.work_tables = []
        if self.work is not connection:
            self.work.close()

    def undo_items(self) -> None:
        """After a failed build, delete the item rows the workers had committed."""
        if self.committed_items:
            last = self.first_id - 1 + self.size.items
            self.execute(
                f"DELETE FROM {_table(Item)} WHERE {_column(Item, 'id')} "
                f"BETWEEN {self.first_id} AND {last}"
            )
            self.log(f"  The build failed: deleted items {self.first_id:,} to {last:,} again.")

    def mix(self, salt: int, j: str = "i") -> str:
        """SQL for a pseudo-random integer in [0, 2^31 - 1) from the item number `j`."""
        offset = (self.seed * 7919 + salt * 104_729) % MODULUS
        x = f"((({j} + {offset}) * {MULTIPLIERS[salt]}) % {MODULUS})"
        return f"(({x} * {x}) % {MODULUS})"

    def share(self, salt: int, j: str = "i") -> str:
        """SQL for the item's place in [0, 10000) of a share: `share < 3000` is 30 %."""
        offset = ((self.seed * 7919 + salt * 104_729) * 48_271) % MODULUS
        return f"(((({j} * {WEYL[salt]}) + {offset}) % {MODULUS}) * 10000 / {MODULUS})"

    # -- the build ---------------------------------------------------------------------

    def run(self) -> None:
        size = self.size
        self.log(
            f"Building an archive of {size.articles:,} articles ({size.items:,} items, seed "
            f"{self.seed}) on {connection.vendor}:"
        )
        self.step("sectors, issues, tags", self.vocabulary)
        self.step("topics", self.topics)
        self.step("companies", self.companies)
        self.step("text and names", self.texts)
        self.step("plan (one row per item)", self.plan)
        self.step(f"items ({Item._meta.db_table})", self.items)
        self.step("kinds' own tables", self.kinds)
        self.step("topics, companies, tags on items", self.links)
        self.step("stories, responses, signatories", self.kind_links)
        self.step("sequences, ANALYZE", self.finish)
        self.step("facet counts", self.facet_counts)

    # Vocabulary rows are few: the ORM writes them (bulk_create), reusing rows with the same
    # slug, so that --force on a database that has the demo (or an earlier archive) reuses
    # its topics, companies and tags instead of failing on their unique slugs.

    def get_or_create(self, model, rows: list[dict]) -> dict[str, int]:
        """{slug: id} of `rows`, creating those whose slug is not in the table yet."""
        slugs = [row["slug"] for row in rows]
        existing = dict(model._default_manager.filter(slug__in=slugs).values_list("slug", "pk"))
        new = [model(**row) for row in rows if row["slug"] not in existing]
        model._default_manager.bulk_create(new, batch_size=500)
        self.count(model._meta.verbose_name_plural, len(new))
        ids = dict(model._default_manager.filter(slug__in=slugs).values_list("slug", "pk"))
        return ids

    def translated(self, name: str, values: dict[str, str]) -> dict:
        """modeltranslation's columns of `name`, the untranslated one holding English."""
        row = {name: values["en"]}
        for code in LANGUAGE_CODES:
            row[column(name, code)] = values.get(code) or None
        return row

    def vocabulary(self) -> str:
        sectors = [
            {"slug": slugify(en), **self.translated("name", {"en": en, "fr": fr, "es": es})}
            for en, fr, es in SECTORS
        ]
        self.sector_ids = self.get_or_create(Sector, sectors)
        self.sector_slugs = [row["slug"] for row in sectors]
        issues = [
            {"slug": slugify(en), **self.translated("name", {"en": en, "fr": fr})}
            for en, fr in ISSUES
        ]
        issue_ids = self.get_or_create(Issue, issues)
        self.lookup_table(
            "archive_issue",
            ["n INTEGER NOT NULL", "id BIGINT NOT NULL"],
            ["n"],
            [(n, issue_ids[row["slug"]]) for n, row in enumerate(issues)],
        )
        names = {}
        for code in LANGUAGE_CODES:
            with translation.override(code):
                names[code] = [str(countries.name(c)) for c in COUNTRY_CODES]
        self.country_names = names
        tags = []
        for n in range(TAG_COUNT):
            concept, place = TAG_CONCEPTS[n % len(TAG_CONCEPTS)], n // len(TAG_CONCEPTS)
            values = {
                code: f"{concept[i]} – {names[code][place]}"[:100]
                for i, code in enumerate(LANGUAGE_CODES)
            }
            slug = slugify(values["en"], allow_unicode=True)
            tags.append({"slug": slug, **self.translated("name", values)})
        tag_ids = self.get_or_create(Tag, tags)
        self.lookup_table(
            "archive_tag",
            ["n INTEGER NOT NULL", "id BIGINT NOT NULL"],
            ["n"],
            [(n, tag_ids[row["slug"]]) for n, row in enumerate(tags)],
        )
        return f"{len(sectors)} sectors, {len(issues)} issues, {len(tag_ids)} tags"

    def topic_row(self, slug: str, en: str, fr: str, **extra) -> dict:
        return {
            "slug": slug,
            **self.translated("title", {"en": en, "fr": fr}),
            **self.translated(
                "intro", {"en": f"<p>News, analysis and company responses on {en.lower()}.</p>"}
            ),
            **self.translated("summary", {"en": f"Everything the archive holds on {en}."}),
            "status": Status.PUBLISHED,
            "published_at": self.origin - dt.timedelta(days=30),
            **extra,
        }

    def topics(self) -> str:
        roots = []
        for position, (en, fr) in enumerate(ROOT_TOPICS):
            slug = HUB_SLUG if position == 0 else slugify(en)
            roots.append(self.topic_row(slug, en, fr, position=position, featured=position == 0))
        root_ids = self.get_or_create(Topic, roots)
        children, numbers = [], []
        for tree, root in enumerate(roots):
            for position in range(CHILDREN_PER_TREE):
                if tree == 0:
                    en, fr = TECH_CHILDREN[position]
                else:
                    region_en, region_fr = REGIONS[position]
                    en = f"{ROOT_TOPICS[tree][0]} in {region_en}"
                    fr = f"{ROOT_TOPICS[tree][1]} ({region_fr})"
                slug = TOPIC_SLUG if (tree, position) == (0, 0) else slugify(en)
                children.append(
                    self.topic_row(
                        slug,
                        en,
                        fr,
                        parent_id=root_ids[root["slug"]],
                        position=position,
                        featured=(tree, position) == (0, 0),
                    )
                )
                numbers.append(tree * CHILDREN_PER_TREE + position)
        child_ids = self.get_or_create(Topic, children)
        # Items point at the sub-topics, numbered tree * 9 + position (0: digital-freedom).
        self.lookup_table(
            "archive_topic",
            ["n INTEGER NOT NULL", "id BIGINT NOT NULL"],
            ["n"],
            [(n, child_ids[row["slug"]]) for n, row in zip(numbers, children, strict=True)],
        )
        return f"{len(roots)} trees, {len(roots) + len(children)} topics"

    def companies(self) -> str:
        count = self.size.companies
        rows, sectors = [], []
        for n in range(count):
            if n == 0:
                name, slug, noun = "Big Co", BIG_CO_SLUG, COMPANY_NOUNS[6]
            else:
                prefix, position = divmod(n - 1, len(COMPANY_PREFIXES))
                noun = COMPANY_NOUNS[(prefix + position) % len(COMPANY_NOUNS)]
                name = f"{COMPANY_PREFIXES[position]} {noun[0]}"
                slug = slugify(name)
            country = COUNTRY_CODES[(n * 7) % len(COUNTRY_CODES)]
            rows.append(
                {
                    "slug": slug,
                    "name": name,
                    "headquarters_country": country,
                    "website": f"https://{slug}.example.com/",
                    **self.translated(
                        "description",
                        {"en": f"{name} is a fictional company in the generated archive."},
                    ),
                    "status": Status.PUBLISHED,
                    "published_at": self.origin - dt.timedelta(days=60),
                }
            )
            extra = (noun[1] + 1 + n % 7) % len(SECTORS) if n % 5 == 0 else None
            sectors.append([noun[1]] + ([extra] if extra is not None else []))
        ids = self.get_or_create(Company, rows)
        through = Company.sectors.through
        # A company reused from an earlier build (or the demo) keeps the sectors it has.
        has_sectors = set(
            through.objects.filter(company_id__in=ids.values()).values_list("company_id", flat=True)
        )
        links = [
            through(company_id=ids[row["slug"]], sector_id=self.sector_ids[self.sector_slugs[s]])
            for row, chosen in zip(rows, sectors, strict=True)
            if ids[row["slug"]] not in has_sectors
            for s in chosen
        ]
        through.objects.bulk_create(links, batch_size=1000)
        # Names as the database holds them (a reused company keeps its own name); the search
        # text names only public companies, as `search_names()` does.
        stored = Company.objects.filter(pk__in=ids.values())
        names = dict(stored.values_list("pk", "name"))
        public = set(stored.published().values_list("pk", flat=True))
        self.lookup_table(
            "archive_company",
            ["n INTEGER NOT NULL", "id BIGINT NOT NULL", "name VARCHAR(200) NOT NULL",
             "search_name VARCHAR(200)"],
            ["n"],
            [
                (n, pk, names[pk], names[pk] if pk in public else None)
                for n, pk in enumerate(ids[row["slug"]] for row in rows)
            ],
        )  # fmt: skip
        return f"{count:,} companies ({BIG_CO_SLUG} first), {len(links):,} sector links"

    def texts(self) -> str:
        rows = []
        for code in LANGUAGE_CODES:
            pool = TEXT.get(code, {})
            for slot, size in SLOTS.items():
                if slot == "paragraph":
                    values = self.paragraphs(pool["sentences"], size)
                else:
                    values = [pool[slot][n % len(pool[slot])] for n in range(size)]
                rows += [(code, slot, n, value) for n, value in enumerate(values)]
        self.lookup_table(
            "archive_text",
            ["lang VARCHAR(10) NOT NULL", "slot VARCHAR(20) NOT NULL", "n INTEGER NOT NULL",
             "body TEXT NOT NULL"],
            ["lang", "slot", "n"],
            rows,
        )  # fmt: skip
        self.lookup_table(
            "archive_country",
            ["lang VARCHAR(10) NOT NULL", "n INTEGER NOT NULL", "code VARCHAR(2) NOT NULL",
             "name VARCHAR(200) NOT NULL"],
            ["lang", "n"],
            [
                (code, n, country, self.country_names[code][n])
                for code in LANGUAGE_CODES
                for n, country in enumerate(COUNTRY_CODES)
            ],
        )  # fmt: skip
        people = [f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES]
        self.rng.shuffle(people)
        names = {
            "person": people,
            "publication": PUBLICATIONS,
            "role": ROLES,
            "organisation": ORGANISATIONS,
            "series": SERIES,
            "signatory": SIGNATORIES,
        }
        self.name_counts = {slot: len(values) for slot, values in names.items()}
        self.lookup_table(
            "archive_name",
            ["slot VARCHAR(20) NOT NULL", "n INTEGER NOT NULL", "name VARCHAR(300) NOT NULL"],
            ["slot", "n"],
            [(slot, n, name) for slot, values in names.items() for n, name in enumerate(values)],
        )
        return f"{len(rows):,} texts in {len(LANGUAGE_CODES)} languages, {len(people)} people"

    def paragraphs(self, sentences: list[str], count: int) -> list[str]:
        """`count` paragraphs of distinct sentences, in an order drawn from the seed."""
        joiner = "" if sentences[0][-1] in "。" else " "
        result = []
        for _n in range(count):
            chosen = self.rng.sample(sentences, min(SENTENCES_PER_PARAGRAPH, len(sentences)))
            result.append(joiner.join(chosen))
        return result

    def plan(self) -> str:
        """One row per item: its number j, id, kind and every choice made for it, in three
        steps (numbers; first choices; the choices that depend on them)."""
        size = self.size
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({_column(Item, 'id')}) FROM {_table(Item)}")
            self.first_id = (cursor.fetchone()[0] or 0) + 1
        bounds, start = [], 0
        for kind, count in size.kinds.items():
            bounds.append((kind, start, count))
            start += count
        self.bounds = bounds

        def by_kind(value) -> str:
            whens = " ".join(
                f"WHEN i <= {first + count} THEN {value(kind, first, count)}"
                for kind, first, count in bounds
            )
            return f"CASE {whens} END"

        def below(column: str, percent: float) -> str:
            return f"{column} < {round(percent * 100)}"

        numbers = ", ".join(
            [f"{self.mix(n)} AS h{n}" for n in range(len(MULTIPLIERS))]
            + [f"{self.share(n)} AS s{n}" for n in range(len(WEYL))]
        )
        companies = size.companies - 1  # besides big-co (0), numbered 1..companies
        languages = " ".join(f"WHEN {n} THEN '{code}'" for n, code in enumerate(OTHER_LANGUAGES))
        countries_n = len(COUNTRY_CODES)
        response = f"kind = '{Kind.RESPONSE}'"
        skewed = f"(1 + ((h6 % 1000) * (h6 % 1000) * {companies}) / 1000000)"
        cobalt = f"i % {COBALT_EVERY} = 1"
        # The first choices: how many countries (none 10 %, one 60 %, two 20 %, three 10 %)
        # and tags (none 20 %, one 40 %, two 30 %, three 10 %); the first company (big-co on
        # 5 % of the items and on every 20th response, another, skewed to the first ones,
        # on 45 %; every response has one); the first topic (digital-freedom on 30 %).
        first = f"""
            CASE WHEN h9 % 10 = 0 THEN 0 WHEN h9 % 10 < 7 THEN 1 WHEN h9 % 10 < 9 THEN 2
                ELSE 3 END AS n_countries,
            CASE WHEN h8 % 10 < 2 THEN 0 WHEN h8 % 10 < 6 THEN 1 WHEN h8 % 10 < 9 THEN 2
                ELSE 3 END AS n_tags,
            CASE WHEN {response} AND k % 20 = 0 THEN 0 WHEN {response} THEN {skewed}
                WHEN {below("s1", BIG_CO_PERCENT)} THEN 0
                WHEN {below("s5", COMPANIES_PERCENT)} THEN {skewed} END AS c1,
            CASE WHEN {below("s0", DIGITAL_FREEDOM_PERCENT)} THEN 0
                ELSE 1 + (h3 / 100) % {TOPIC_TREES * CHILDREN_PER_TREE - 1} END AS t1,
            CASE WHEN {cobalt} THEN 'published' WHEN {below("s3", DRAFT_PERCENT)}
                THEN '{Status.DRAFT}' ELSE '{Status.PUBLISHED}' END AS status,
            CASE WHEN NOT ({cobalt}) AND NOT {below("s3", DRAFT_PERCENT)}
                AND {below("s3", DRAFT_PERCENT + SCHEDULED_PERCENT)}
                THEN {SPAN_SECONDS + 2 * DAY} + h0 % {60 * DAY}
                ELSE (k * {SPAN_SECONDS} + h0 % {SPAN_SECONDS}) / n_k END AS sec,
            CASE WHEN {below("s4", TRANSLATED_PERCENT)}
                THEN CASE (h1 / 3) % {len(OTHER_LANGUAGES)} {languages} END END AS tl
        """
        # The choices that depend on them: distinct countries in code order, distinct tags,
        # a second company different from the first (on a fifth of the items with one),
        # a second topic in another tree (a quarter of the items), dates, texts, names.
        a = f"((h9 / 10) % ({countries_n} + 1 - n_countries))"
        b = f"({a} + 1 + (h10 % ({countries_n} - 1 - {a} - (n_countries - 2))))"
        c = f"({b} + 1 + ((h10 / 1000) % ({countries_n} - 1 - {b})))"
        tag = f"(((h11 % 1000) * (h11 % 1000) * {TAG_COUNT}) / 1000000)"
        second_tree = f"((t1 / {CHILDREN_PER_TREE} + 1 + (h4 / 4) % 9) % {TOPIC_TREES})"
        paragraphs = SLOTS["paragraph"]
        names = self.name_counts
        self.drop("archive_plan")
        self.execute(
            f"""
            CREATE {self.scratch} TABLE archive_plan AS
            SELECT i AS j, {self.first_id - 1} + i AS id, kind, k, status, sec,
                CASE WHEN sec > {SPAN_SECONDS} THEN {SPAN_SECONDS} ELSE sec - h0 % {2 * DAY}
                    END AS created_sec,
                CASE WHEN sec > {SPAN_SECONDS} THEN {SPAN_SECONDS} ELSE sec + h0 % 3600
                    END AS updated_sec,
                tl,
                CASE WHEN tl IS NOT NULL AND (h1 / 27) % 4 = 0 THEN tl ELSE 'en' END
                    AS original_language,
                CASE WHEN {below("s2", WORKERS_PERCENT)} THEN (h2 / 100) % {SLOTS["workers"]}
                    END AS workers,
                CASE WHEN {cobalt} THEN 0 END AS cobalt,
                t1,
                CASE WHEN h4 % 4 = 0 THEN {second_tree} * {CHILDREN_PER_TREE} + 1
                    + (h4 / 36) % {CHILDREN_PER_TREE - 1} END AS t2,
                c1,
                CASE WHEN c1 IS NULL OR {below("s5", COMPANIES_PERCENT - 10)}
                    OR NOT {below("s5", COMPANIES_PERCENT)} THEN NULL
                    WHEN c1 = 0 THEN 1 + h7 % {companies}
                    ELSE 1 + (c1 + h7 % ({companies} - 1)) % {companies} END AS c2,
                CASE WHEN n_tags >= 1 THEN {tag} END AS g1,
                CASE WHEN n_tags >= 2 THEN ({tag} + 1 + (h11 / 1000) % 200) % {TAG_COUNT}
                    END AS g2,
                CASE WHEN n_tags >= 3 THEN ({tag} + 201 + (h11 / 200000) % 200) % {TAG_COUNT}
                    END AS g3,
                CASE WHEN n_countries >= 1 THEN {a} END AS country1,
                CASE WHEN n_countries >= 2 THEN {b} END AS country2,
                CASE WHEN n_countries >= 3 THEN {c} END AS country3,
                CASE WHEN n_countries >= 1 THEN {a} ELSE (h9 / 10) % {countries_n}
                    END AS title_country,
                CASE WHEN {response} THEN 'response_title' WHEN c1 IS NOT NULL
                    THEN 'company_title' ELSE 'title' END AS title_slot,
                CASE WHEN {response} THEN h12 % {SLOTS["response_title"]}
                    WHEN c1 IS NOT NULL THEN h12 % {SLOTS["company_title"]}
                    ELSE h12 % {SLOTS["title"]} END AS title_n,
                (h12 / 10) % {SLOTS["summary"]} AS summary_n,
                h13 % {paragraphs} AS p1,
                (h13 / 100) % {paragraphs} AS p2,
                CASE WHEN h14 % 2 = 0 THEN (h13 / 10000) % {paragraphs} END AS p3,
                CASE WHEN h15 % 10 > 0 THEN h15 % {names["person"]} END AS person,
                (h15 / 1000) % {names["publication"]} AS publication,
                (h15 / 100000) % {names["role"]} AS role,
                (h14 / 1000) % {names["organisation"]} AS organisation,
                CASE WHEN h14 % 3 = 0 THEN (h14 / 100000) % {names["series"]} END AS series,
                h7 AS extra
            FROM (
                SELECT i, kind, k, h0, h1, h2, h4, h6, h7, h9, h10, h11, h12, h13, h14, h15,
                    s2, s5, {first}
                FROM (
                    SELECT i, {by_kind(lambda kind, first, count: f"'{kind}'")} AS kind,
                        i - 1 - {by_kind(lambda kind, first, count: first)} AS k,
                        {by_kind(lambda kind, first, count: max(count, 1))} AS n_k,
                        {numbers}
                    FROM ({self.sql.series(size.items)}) AS series
                ) AS numbered
            ) AS chosen
            """,
            db=self.work,
        )
        if self.sql.postgres:
            self.execute("ANALYZE archive_plan", db=self.work)
        last = self.first_id - 1 + size.items
        return f"{size.items:,} items numbered {self.first_id:,} to {last:,}"

    def items(self) -> str:
        """The `Item` rows, every kind at once (the expensive step on PostgreSQL, which
        computes the ten generated search vectors of every row)."""
        at = self.sql.timestamp
        origin = self.origin

        def text(alias: str, country: str) -> str:
            return (
                f"replace(replace({alias}.body, '{COMPANY}', COALESCE(co1.name, '')), "
                f"'{COUNTRY}', {country}.name)"
            )

        def body(side: str) -> str:
            """Two or three paragraphs; the first ends with the "workers" and "cobalt"
            sentences of the items that have them."""
            first = (
                f"'<p>' || {side}p1.body || COALESCE(' ' || {side}w.body, '') || "
                f"COALESCE(' ' || {side}c.body, '') || '</p>'"
            )
            more = [f"COALESCE('<p>' || {side}p{n}.body || '</p>', '')" for n in (2, 3)]
            return " || ".join([first, *more])

        # The public companies named, in their default order (by name).
        first_company = (
            "CASE WHEN co2.search_name IS NULL OR co1.search_name < co2.search_name "
            "THEN co1.search_name ELSE co2.search_name END"
        )
        second_company = (
            "CASE WHEN co1.search_name IS NULL OR co2.search_name IS NULL THEN NULL "
            "WHEN co1.search_name < co2.search_name THEN co2.search_name "
            "ELSE co1.search_name END"
        )
        named = [first_company, second_company]
        search_extra = (
            f"CASE p.kind WHEN '{Kind.ARTICLE}' THEN "
            f"{_names('person.name', 'publication.name', *named)} "
            f"WHEN '{Kind.OPINION}' THEN "
            f"{_names('author.name', 'role.name', 'organisation.name', *named)} "
            f"ELSE {_names(*named)} END"
        )
        countries = (
            "COALESCE(country1.code || COALESCE(',' || country2.code, '') || "
            "COALESCE(',' || country3.code, ''), '')"
        )
        values = {
            "id": "p.id",
            "status": "p.status",
            "published_at": at(origin, "p.sec"),
            "created_at": at(origin, "p.created_sec"),
            "updated_at": at(origin, "p.updated_sec"),
            "kind": "p.kind",
            "slug": f"'{SLUG_PREFIX}-' || p.kind || '-' || p.id",
            "original_language": "p.original_language",
            "countries": countries,
            "search_extra": f"COALESCE({search_extra}, '')",
        }
        english = {
            "title": text("title", "country"),
            "summary": text("summary", "country"),
            "body": body("e"),
        }
        translated = {
            "title": text("ttitle", "tcountry"),
            "summary": text("tsummary", "tcountry"),
            "body": body("t"),
        }
        for name, expression in english.items():
            values[name] = expression
            for code in LANGUAGE_CODES:
                values[column(name, code)] = (
                    expression
                    if code == "en"
                    else f"CASE WHEN p.tl = '{code}' THEN {translated[name]} END"
                )
        columns = ", ".join(_column(Item, name) for name in values)
        selected = ", ".join(f"{sql} AS {_column(Item, name)}" for name, sql in values.items())
        joins = []
        for side, language in [("e", "'en'"), ("t", "p.tl")]:
            joins += [
                f"LEFT JOIN archive_text {side}p1 ON {side}p1.lang = {language} "
                f"AND {side}p1.slot = 'paragraph' AND {side}p1.n = p.p1",
                f"LEFT JOIN archive_text {side}p2 ON {side}p2.lang = {language} "
                f"AND {side}p2.slot = 'paragraph' AND {side}p2.n = p.p2",
                f"LEFT JOIN archive_text {side}p3 ON {side}p3.lang = {language} "
                f"AND {side}p3.slot = 'paragraph' AND {side}p3.n = p.p3",
                f"LEFT JOIN archive_text {side}w ON {side}w.lang = {language} "
                f"AND {side}w.slot = 'workers' AND {side}w.n = p.workers",
                f"LEFT JOIN archive_text {side}c ON {side}c.lang = {language} "
                f"AND {side}c.slot = 'cobalt' AND {side}c.n = p.cobalt",
            ]
        statement = f"""
            INSERT INTO {_table(Item)} ({columns})
            SELECT {selected}
            FROM archive_plan p
            JOIN archive_country country ON country.lang = 'en' AND country.n = p.title_country
            LEFT JOIN archive_country tcountry ON tcountry.lang = p.tl
                AND tcountry.n = p.title_country
            LEFT JOIN archive_country country1 ON country1.lang = 'en' AND country1.n = p.country1
            LEFT JOIN archive_country country2 ON country2.lang = 'en' AND country2.n = p.country2
            LEFT JOIN archive_country country3 ON country3.lang = 'en' AND country3.n = p.country3
            LEFT JOIN archive_company co1 ON co1.n = p.c1
            LEFT JOIN archive_company co2 ON co2.n = p.c2
            JOIN archive_text title ON title.lang = 'en' AND title.slot = p.title_slot
                AND title.n = p.title_n
            LEFT JOIN archive_text ttitle ON ttitle.lang = p.tl AND ttitle.slot = p.title_slot
                AND ttitle.n = p.title_n
            JOIN archive_text summary ON summary.lang = 'en' AND summary.slot = 'summary'
                AND summary.n = p.summary_n
            LEFT JOIN archive_text tsummary ON tsummary.lang = p.tl
                AND tsummary.slot = 'summary' AND tsummary.n = p.summary_n
            {" ".join(joins)}
            LEFT JOIN archive_name person ON person.slot = 'person' AND person.n = p.person
                AND p.kind = '{Kind.ARTICLE}'
            LEFT JOIN archive_name publication ON publication.slot = 'publication'
                AND publication.n = p.publication AND p.kind = '{Kind.ARTICLE}'
            LEFT JOIN archive_name author ON author.slot = 'person'
                AND author.n = p.extra % {self.name_counts["person"]} AND p.kind = '{Kind.OPINION}'
            LEFT JOIN archive_name role ON role.slot = 'role' AND role.n = p.role
                AND p.kind = '{Kind.OPINION}'
            LEFT JOIN archive_name organisation ON organisation.slot = 'organisation'
                AND organisation.n = p.organisation AND p.kind = '{Kind.OPINION}'
            WHERE p.j BETWEEN {FIRST} AND {LAST}
            """
        rows = self.insert_items(statement)
        self.count("items", rows)
        by = f", {self.workers} connections" if self.workers > 1 else ""
        return f"{rows:,} rows{by}"

    def insert_items(self, statement: str) -> int:
        """Run `statement` (with FIRST and LAST for a range of item numbers) over every
        item: at once on one connection, or in chunks on `workers` connections."""
        total = self.size.items
        if self.workers == 1:
            return self.execute(statement.replace(FIRST, "1").replace(LAST, str(total)))
        chunks = [
            (first, min(total, first + ITEMS_PER_CHUNK - 1))
            for first in range(1, total + 1, ITEMS_PER_CHUNK)
        ]

        def insert(chunk) -> int:
            first, last = chunk
            db = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                return self.execute(
                    statement.replace(FIRST, str(first)).replace(LAST, str(last)), db=db
                )
            finally:
                db.close()

        self.committed_items = True  # from the first chunk on, rows may be committed
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return sum(pool.map(insert, chunks))

    def kinds(self) -> str:
        """Each kind's own row, keyed by its item's id (multi-table inheritance)."""
        at_date = self.sql.date
        origin = self.origin
        done = []

        def insert(model, values: dict[str, str], joins: str = "") -> None:
            columns = ", ".join(_column(model, name) for name in values)
            rows = self.execute(
                f"INSERT INTO {_table(model)} ({columns}) SELECT {', '.join(values.values())} "
                f"FROM archive_plan p {joins} WHERE p.kind = '{model.KIND}'"
            )
            self.count(str(model._meta.verbose_name_plural), rows)
            done.append(f"{rows:,} {model._meta.verbose_name_plural}")

        def translated(name: str, expression: str) -> dict[str, str]:
            return {name: f"COALESCE({expression}, '')", column(name, "en"): expression}

        item = Item._meta
        insert(
            Article,
            {
                "item_ptr": "p.id",
                **translated("author", "person.name"),
                **translated("publication", "publication.name"),
                **translated("original_headline", f"i.{_column(Item, column('title', 'en'))}"),
                "original_published_on": at_date(origin, "p.sec - 86400"),
                "source_url": "'https://news.example.org/' || p.kind || '/' || p.id",
            },
            f"JOIN {_quote(item.db_table)} i ON i.{_column(Item, 'id')} = p.id "
            "LEFT JOIN archive_name person ON person.slot = 'person' AND person.n = p.person "
            "LEFT JOIN archive_name publication ON publication.slot = 'publication' "
            "AND publication.n = p.publication",
        )
        insert(Story, {"item_ptr": "p.id"})
        insert(
            Opinion,
            {
                "item_ptr": "p.id",
                "author_name": "author.name",
                **translated("author_role", "role.name"),
                **translated("author_organisation", "organisation.name"),
                **translated("series", "series.name"),
            },
            f"JOIN archive_name author ON author.slot = 'person' "
            f"AND author.n = p.extra % {self.name_counts['person']} "
            "JOIN archive_name role ON role.slot = 'role' AND role.n = p.role "
            "JOIN archive_name organisation ON organisation.slot = 'organisation' "
            "AND organisation.n = p.organisation "
            "LEFT JOIN archive_name series ON series.slot = 'series' AND series.n = p.series",
        )
        insert(Statement, {"item_ptr": "p.id"})
        stories = dict((kind, (first, count)) for kind, first, count in self.bounds)[Kind.STORY]
        outcome = (
            f"CASE WHEN p.extra % 10 < 6 THEN '{Outcome.RESPONDED}' "
            f"WHEN p.extra % 10 < 8 THEN '{Outcome.DECLINED}' ELSE '{Outcome.NO_RESPONSE}' END"
        )
        responds_to = f"{self.first_id + stories[0]} + p.k % {stories[1]}" if stories[1] else "NULL"
        insert(
            CompanyResponse,
            {
                "item_ptr": "p.id",
                "company": "company.id",
                "responds_to": responds_to,
                "outcome": outcome,
                "requested_on": at_date(origin, f"p.sec - {14 * DAY}"),
                "responded_on": (
                    f"CASE WHEN p.extra % 10 < 6 THEN {at_date(origin, f'p.sec - {7 * DAY}')} "
                    f"WHEN p.extra % 10 < 8 THEN {at_date(origin, f'p.sec - {9 * DAY}')} END"
                ),
                "document_url": (
                    "CASE WHEN p.extra % 3 = 0 THEN 'https://documents.example.org/responses/' "
                    "|| p.id || '.pdf' ELSE '' END"
                ),
            },
            "JOIN archive_company company ON company.n = p.c1",
        )
        return ", ".join(done)

    def link(self, through, left: str, right: str, selects: list[str], label: str) -> str:
        """Rows of a many-to-many table from SELECTs of (left id, right id)."""
        opts = through._meta
        columns = f"{_column(through, left)}, {_column(through, right)}"
        rows = self.execute(
            f"INSERT INTO {_quote(opts.db_table)} ({columns}) " + " UNION ALL ".join(selects)
        )
        self.count(label, rows)
        return f"{rows:,} {label}"

    def links(self) -> str:
        topics = self.link(
            Item.topics.through,
            "item",
            "topic",
            [
                f"SELECT p.id, t.id FROM archive_plan p JOIN archive_topic t ON t.n = p.{slot}"
                for slot in ("t1", "t2")
            ],
            "topic links",
        )
        companies = self.link(
            Item.companies.through,
            "item",
            "company",
            [
                f"SELECT p.id, c.id FROM archive_plan p JOIN archive_company c ON c.n = p.{slot}"
                for slot in ("c1", "c2")
            ],
            "company links",
        )
        tags = self.link(
            Item.tags.through,
            "content_object",
            "tag",
            [
                f"SELECT p.id, t.id FROM archive_plan p JOIN archive_tag t ON t.n = p.{slot}"
                for slot in ("g1", "g2", "g3")
            ],
            "tag links",
        )
        return f"{topics}, {companies}, {tags}"

    def kind_links(self) -> str:
        """A story's related articles, a response's issues, a statement's signatories."""
        bounds = {kind: (first, count) for kind, first, count in self.bounds}
        articles = bounds[Kind.ARTICLE][1]
        parts = []
        if articles:
            ratio = max(1, articles // max(1, bounds[Kind.STORY][1]))
            parts.append(
                self.link(
                    Story.related_items.through,
                    "story",
                    "item",
                    [
                        f"SELECT p.id, {self.first_id} + (p.k * {ratio} + {n}) % {articles} "
                        f"FROM archive_plan p WHERE p.kind = '{Kind.STORY}' AND p.extra % 4 > {n}"
                        for n in range(3)
                    ],
                    "related items",
                )
            )
        first_issue = f"((p.extra / 10) % {len(ISSUES)})"
        parts.append(
            self.link(
                CompanyResponse.issues.through,
                "companyresponse",
                "issue",
                [
                    # One issue each, a second (a different one) for a third of them.
                    f"SELECT p.id, s.id FROM archive_plan p JOIN archive_issue s "
                    f"ON s.n = {issue} WHERE p.kind = '{Kind.RESPONSE}' AND {condition}"
                    for issue, condition in [
                        (first_issue, "1 = 1"),
                        (
                            f"({first_issue} + 1 + (p.extra / 100) % {len(ISSUES) - 1}) "
                            f"% {len(ISSUES)}",
                            "p.extra % 3 = 2",
                        ),
                    ]
                ],
                "response issues",
            )
        )
        signatories = len(SIGNATORIES)
        values = {"statement": "p.id", "name": "s.name", "country": "c.code", "position": "0"}
        selects = []
        for position in range(SIGNATORY_MOST):
            # 3 to 6 distinct signatories each: offsets 7 apart in the list of 50.
            selects.append(
                f"SELECT p.id, s.name, COALESCE(c.code, ''), {position} FROM archive_plan p "
                f"JOIN archive_name s ON s.slot = 'signatory' "
                f"AND s.n = (p.extra + {position * 7}) % {signatories} "
                f"LEFT JOIN archive_country c ON c.lang = 'en' AND c.n = p.country1 "
                f"WHERE p.kind = '{Kind.STATEMENT}' AND {position} < 3 + p.extra % 4"
            )
        columns = ", ".join(_column(Signatory, name) for name in values)
        rows = self.execute(
            f"INSERT INTO {_table(Signatory)} ({columns}) " + " UNION ALL ".join(selects)
        )
        self.count("signatories", rows)
        parts.append(f"{rows:,} signatories")
        return ", ".join(parts)

    def finish(self) -> str:
        from django.core.management.color import no_style

        for sql in connection.ops.sequence_reset_sql(no_style(), [Item]):
            self.execute(sql)
        tables = _archive_models()
        if self.sql.postgres:
            self.execute("ANALYZE " + ", ".join(_table(model) for model in tables))
        else:
            self.execute("ANALYZE")
        return f"{len(tables)} tables analysed"

    def vacuum(self) -> str:
        """VACUUM ANALYZE what the build wrote, as autovacuum would soon after: the
        visibility map lets index-only scans skip the heap, and the GIN indexes' pending
        lists (rows written in bulk) are merged. Outside any transaction, so PostgreSQL only."""
        tables = [_table(model) for model in _archive_models()]
        tables += [_table(FacetCount), _table(ItemFacets)]
        db = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            self.execute("VACUUM (ANALYZE) " + ", ".join(tables), db=db)
        finally:
            db.close()
        return f"{len(tables)} tables"

    def facet_counts(self) -> str:
        """The counts kept on write, counted once over the whole archive (its rows were
        written in bulk, which sends no signals)."""
        facet_counts.rebuild()
        if self.sql.postgres:
            self.execute(f"ANALYZE {_table(FacetCount)}, {_table(ItemFacets)}")
        return f"{FacetCount.objects.count():,} counts"
