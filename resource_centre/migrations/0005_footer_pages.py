"""The three pages every footer links to (About, Contact, Privacy), as starting text for
editors to replace: a new site's footer links work from the first `migrate`.

Written out here, not imported (a migration must not change with later code). An existing
page with the same slug is left as it is.
"""

from django.db import migrations
from django.utils import timezone

TITLES = {
    "about": {
        "en": "About us",
        "es": "Quiénes somos",
        "fr": "À propos",
        "de": "Über uns",
        "pt": "Sobre nós",
        "ru": "О нас",
        "ar": "من نحن",
        "zh_hans": "关于我们",
        "ja": "私たちについて",
        "ko": "소개",
    },
    "contact": {
        "en": "Contact",
        "es": "Contacto",
        "fr": "Contact",
        "de": "Kontakt",
        "pt": "Contacto",
        "ru": "Контакты",
        "ar": "اتصل بنا",
        "zh_hans": "联系我们",
        "ja": "お問い合わせ",
        "ko": "연락처",
    },
    "privacy": {
        "en": "Privacy",
        "es": "Privacidad",
        "fr": "Confidentialité",
        "de": "Datenschutz",
        "pt": "Privacidade",
        "ru": "Конфиденциальность",
        "ar": "الخصوصية",
        "zh_hans": "隐私",
        "ja": "プライバシー",
        "ko": "개인정보 보호",
    },
}

BODIES = {
    "about": (
        "<p>This site gathers news, company responses and analysis on business and human "
        "rights, in ten languages. It follows what companies do, asks them to respond to "
        "concerns raised by civil society, and publishes their answers in full.</p>"
        "<p>Editors: replace this text in the admin (Site pages).</p>"
    ),
    "contact": (
        "<p>To suggest a story, send a correction or ask a company to respond, write to the "
        "editorial team.</p><p>Editors: replace this text with your addresses in the admin "
        "(Site pages).</p>"
    ),
    "privacy": (
        "<p>This site sets no tracking cookies. If you hide the site message, a cookie "
        "remembers that you did, for a year. Editors who log in get a session cookie.</p>"
        "<p>Editors: replace this text with your organisation's privacy notice in the admin "
        "(Site pages).</p>"
    ),
}


def create_pages(apps, schema_editor):
    Page = apps.get_model("resource_centre", "Page")
    db = schema_editor.connection.alias
    for slug, titles in TITLES.items():
        fields = {f"title_{code}": title for code, title in titles.items()}
        fields.update(title=titles["en"], body=BODIES[slug], body_en=BODIES[slug])
        Page.objects.using(db).get_or_create(
            slug=slug,
            defaults={**fields, "status": "published", "published_at": timezone.now()},
        )


class Migration(migrations.Migration):
    dependencies = [("resource_centre", "0004_site_pages_and_message_signature")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
