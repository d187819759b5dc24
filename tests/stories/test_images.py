"""Lead images: uploads checked in the admin, renditions written on save (sizes and formats
read back with Pillow), the <picture> markup and Open Graph tags pages show, no query per
image, and the demo's own illustrations."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from PIL import Image

from demo.loader import load_demo
from stories import images
from stories.images import LeadImageFormField, picture, rendition
from stories.models import Article, Item, Topic
from tests.factories import ArticleFactory, TopicFactory
from tests.html import parse, text
from tests.resource_centre.admin.test_forms import form_data

pytestmark = pytest.mark.django_db

ALT = "Abstract illustration: blue dots joined by lines"
CREDIT = "Illustration: Resource Centre demo"


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and renditions in a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(width, height, image_format="JPEG", mode="RGB") -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def upload(name="photo.jpg", width=2000, height=1000, image_format="JPEG"):
    """An upload as the admin's form field hands it to the model (checked and renamed)."""
    data = image_bytes(width, height, image_format)
    return LeadImageFormField().clean(SimpleUploadedFile(name, data))


def png_header(width, height) -> bytes:
    """A PNG that claims `width` × `height` pixels in a few bytes (a decompression bomb)."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def media_file(media: Path, url: str) -> Image.Image:
    assert url.startswith(settings.MEDIA_URL), url
    return Image.open(media / url[len(settings.MEDIA_URL) :])


def rendition_files(media: Path) -> list[Path]:
    return sorted(path for path in (media / "CACHE").rglob("*") if path.is_file())


def topic_with_image(**kwargs):
    return TopicFactory(
        lead_image=kwargs.pop("lead_image", None) or upload(),
        image_alt=ALT,
        image_credit=CREDIT,
        **kwargs,
    )


# -- Renditions ----------------------------------------------------------------------------


def test_saving_an_image_writes_each_width_in_webp_and_its_own_format(media):
    topic = topic_with_image()

    pic = picture(topic.lead_image)

    assert (topic.lead_image_width, topic.lead_image_height) == (2000, 1000)
    assert [s.width for s in pic.webp] == [400, 800, 1200, 1600]
    assert [s.width for s in pic.fallback] == [400, 800, 1200, 1600]
    for webp, fallback in zip(pic.webp, pic.fallback, strict=True):
        for source, image_format in ((webp, "WEBP"), (fallback, "JPEG")):
            image = media_file(media, source.url)
            assert image.format == image_format
            assert image.size == (source.width, source.height) == (webp.width, webp.width // 2)
    assert (pic.width, pic.height, pic.fallback_type) == (1600, 800, "image/jpeg")


def test_a_large_photo_decoded_at_a_reduced_scale_is_exactly_the_size_pages_announce(media):
    topic = topic_with_image(lead_image=upload("odd.jpg", 1601, 1628))

    for source in [*picture(topic.lead_image).webp, *picture(topic.lead_image).fallback]:
        assert media_file(media, source.url).size == (source.width, source.height)


def test_open_graph_and_thumbnail_renditions_are_cropped_to_their_boxes(media):
    topic = topic_with_image()

    expected = {"og": ((1200, 630), "JPEG"), "thumb1x": ((160, 120), "JPEG")}
    expected |= {"thumb2x": ((320, 240), "JPEG"), "thumb2x-webp": ((320, 240), "WEBP")}
    for name, (size, image_format) in expected.items():
        source = rendition(topic.lead_image, f"stories:{name}")
        image = media_file(media, source.url)
        assert (image.size, image.format) == (size, image_format), name
        assert (source.width, source.height) == size


def test_a_narrow_image_is_never_widened_and_its_wider_renditions_never_written(media):
    topic = topic_with_image(lead_image=upload("small.png", 700, 350, "PNG"))

    pic = picture(topic.lead_image)

    assert [(s.width, s.height) for s in pic.fallback] == [(400, 200), (700, 350)]
    assert media_file(media, pic.fallback[-1].url).format == "PNG"
    assert media_file(media, pic.webp[-1].url).size == (700, 350)
    # 2 widths × 2 formats, the Open Graph crop and 2 thumbnails × 2 formats.
    assert len(rendition_files(media)) == 4 + 1 + 4


def test_an_upload_is_stored_under_its_real_formats_extension(media):
    topic = topic_with_image(lead_image=upload("looks-like.jpg", 500, 300, "PNG"))

    assert topic.lead_image.name == "topics/looks-like.png"
    assert picture(topic.lead_image).fallback_type == "image/png"


def test_an_image_turned_by_exif_is_measured_and_rendered_upright(media):
    image = Image.linear_gradient("L").resize((1000, 500)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: shown turned a quarter
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    photo = LeadImageFormField().clean(SimpleUploadedFile("side.jpg", buffer.getvalue()))

    topic = topic_with_image(lead_image=photo)

    assert (topic.lead_image_width, topic.lead_image_height) == (500, 1000)
    widest = picture(topic.lead_image).fallback[-1]
    assert media_file(media, widest.url).size == (widest.width, widest.height) == (500, 1000)


def test_pages_never_write_renditions_and_name_them_without_queries(media, client):
    topic = topic_with_image()
    for path in rendition_files(media):
        path.unlink()

    response = client.get(topic.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        pic = picture(Topic.objects.get(pk=topic.pk).lead_image)
        rendition(topic.lead_image, "stories:og")

    assert response.status_code == 200
    assert pic.webp[0].url in response.content.decode()
    assert rendition_files(media) == []
    assert len(queries) == 1  # the topic itself


def test_write_renditions_makes_only_the_missing_ones(media):
    topic = topic_with_image()
    first = rendition_files(media)
    first[0].unlink()

    assert images.write_renditions(topic.lead_image) == 1
    assert rendition_files(media) == first
    assert images.write_renditions(topic.lead_image) == 0


# -- Pages ---------------------------------------------------------------------------------


def test_topic_page_shows_a_picture_with_srcsets_sizes_dimensions_alt_and_credit(media, client):
    topic = topic_with_image()
    pic = picture(topic.lead_image)

    page = parse(client.get(topic.get_absolute_url()))

    figure = page.xpath("//main//figure[@class='lead-image']")[0]
    # lxml's HTML parser does not know <source> is empty: look below <picture>, not under it.
    source = figure.xpath("./picture//source")[0]
    image = figure.xpath("./picture//img")[0]
    assert source.get("type") == "image/webp"
    assert source.get("srcset") == ", ".join(f"{s.url} {s.width}w" for s in pic.webp)
    assert image.get("srcset") == ", ".join(f"{s.url} {s.width}w" for s in pic.fallback)
    assert "1600w" in image.get("srcset") and ".webp" in source.get("srcset")
    assert source.get("sizes") == image.get("sizes") == images.LEAD_SIZES
    assert image.get("src") == pic.fallback[-1].url
    assert (image.get("width"), image.get("height")) == ("1600", "800")
    assert image.get("alt") == ALT
    # The page's lead image is its largest: fetched first, not lazily.
    assert (image.get("loading"), image.get("fetchpriority")) == ("eager", "high")
    assert image.get("decoding") == "async"
    assert image.get("style") is None
    assert CREDIT in text(figure.xpath("./figcaption")[0])


def test_an_image_further_down_a_page_and_a_thumbnail_load_lazily(media):
    topic = topic_with_image()
    template = Template(
        '{% load images %}{% include "includes/lead_image.html" with lazy=True sizes="22rem" %}'
        "{% thumbnail image alt %}"
    )

    html = template.render(Context({"image": topic.lead_image, "alt": ALT, "credit": CREDIT}))

    page = parse_fragment(html)
    lead, thumb = page.xpath("//img")
    assert lead.get("loading") == "lazy" and lead.get("fetchpriority") is None
    assert lead.get("sizes") == "22rem"
    assert thumb.get("loading") == "lazy"
    assert (thumb.get("width"), thumb.get("height"), thumb.get("alt")) == ("160", "120", ALT)
    small = rendition(topic.lead_image, "stories:thumb1x")
    large = rendition(topic.lead_image, "stories:thumb2x")
    assert thumb.get("srcset") == f"{small.url} 1x, {large.url} 2x"
    assert page.xpath("//picture[@class='thumbnail']//source/@type") == ["image/webp"]


def parse_fragment(html):
    import lxml.html

    return lxml.html.fromstring(f"<div>{html}</div>")


def og_tags(page) -> dict:
    tags = {m.get("property"): m.get("content") for m in page.xpath("//meta[@property]")}
    tags |= {m.get("name"): m.get("content") for m in page.xpath("//meta[@name]")}
    return tags


def test_topic_page_shares_the_1200x630_rendition_as_its_open_graph_image(media, client):
    topic = topic_with_image()

    tags = og_tags(parse(client.get(topic.get_absolute_url())))

    og = rendition(topic.lead_image, "stories:og")
    assert tags["og:image"] == f"http://testserver{og.url}"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"] == ALT
    assert tags["twitter:card"] == "summary_large_image"
    assert media_file(media, og.url).size == (1200, 630)


def test_item_page_shows_its_lead_image_and_shares_it(media, client):
    article = ArticleFactory(lead_image=upload(), image_alt=ALT, image_credit=CREDIT)

    page = parse(client.get(article.get_absolute_url()))

    image = page.xpath("//main//figure[@class='lead-image']/picture//img")[0]
    assert image.get("alt") == ALT
    assert image.get("width") == "1600"
    assert CREDIT in text(page.xpath("//figure[@class='lead-image']/figcaption")[0])
    tags = og_tags(page)
    og = rendition(article.lead_image, "stories:og")
    assert tags["og:image"] == f"http://testserver{og.url}"
    assert tags["og:image:alt"] == ALT
    assert tags["twitter:card"] == "summary_large_image"


def test_a_page_without_an_image_has_no_open_graph_image_or_large_card(client):
    article = ArticleFactory()

    page = parse(client.get(article.get_absolute_url()))

    assert page.xpath("//figure[@class='lead-image']") == []
    assert "og:image" not in og_tags(page)
    assert "twitter:card" not in og_tags(page)


def test_twenty_entries_with_images_cost_no_more_queries_than_twenty_without(media, client):
    topic = TopicFactory()
    articles = [ArticleFactory(topics=[topic]) for _ in range(20)]
    url = topic.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        assert client.get(url).status_code == 200
    stored = topic_with_image(slug="with-image").lead_image
    Item.objects.filter(pk__in=[a.pk for a in articles]).update(
        lead_image=stored.name, lead_image_width=2000, lead_image_height=1000, image_alt=ALT
    )

    with CaptureQueriesContext(connection) as with_images:
        assert client.get(url).status_code == 200
    entries = list(Item.objects.filter(pk__in=[a.pk for a in articles]))
    template = Template(
        "{% load images %}{% for item in items %}{% thumbnail item.lead_image ALT %}{% endfor %}"
    )
    with CaptureQueriesContext(connection) as thumbnails:
        html = template.render(Context({"items": entries, "ALT": ALT}))

    assert len(with_images) == len(without)
    assert len(thumbnails) == 0
    assert html.count('loading="lazy"') == 20


# -- Uploads in the admin ------------------------------------------------------------------


def post_image(admin_client, article, upload_file, **fields):
    url = f"/admin/stories/article/{article.pk}/change/"
    data = form_data(admin_client.get(url))
    data.update(lead_image=upload_file, **fields)
    return admin_client.post(url, data)


def field_errors(response, name) -> list[str]:
    assert response.status_code == 200, response.status_code
    return list(response.context["adminform"].form.errors.get(name, []))


def test_admin_accepts_an_image_with_its_alt_text_and_writes_renditions(media, admin_client):
    article = ArticleFactory()
    photo = SimpleUploadedFile("photo.jpg", image_bytes(1000, 500))

    response = post_image(admin_client, article, photo, image_alt_en=ALT, image_credit_en=CREDIT)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(pk=article.pk)
    assert article.lead_image.name.endswith(".jpg")
    assert (article.lead_image_width, article.lead_image_height) == (1000, 500)
    assert article.image_alt == ALT
    assert media_file(media, picture(article.lead_image).webp[-1].url).size == (1000, 500)


BAD_UPLOADS = {
    "not an image": (
        SimpleUploadedFile("photo.jpg", b"plain text, not a picture" * 10),
        "not an image",
    ),
    "SVG": (
        SimpleUploadedFile(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        "SVG images are not accepted",
    ),
    "SVG renamed": (
        SimpleUploadedFile("logo.png", b'<?xml version="1.0"?><svg></svg>'),
        "SVG images are not accepted",
    ),
    "decompression bomb": (
        SimpleUploadedFile("bomb.png", png_header(30_000, 30_000)),
        "far too many pixels",
    ),
    "too many pixels": (
        SimpleUploadedFile("huge.png", png_header(8_000, 6_000)),
        "8000 × 6000 pixels",
    ),
    "another format": (
        SimpleUploadedFile("photo.bmp", image_bytes(40, 30, "BMP")),
        "BMP images are not accepted",
    ),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_admin_refuses_a_bad_upload_with_a_form_error(case, media, admin_client):
    article = ArticleFactory()
    bad, message = BAD_UPLOADS[case]
    bad.seek(0)

    response = post_image(admin_client, article, bad, image_alt_en=ALT)

    errors = field_errors(response, "lead_image")
    assert any(message in error for error in errors), errors
    assert not Article.objects.get(pk=article.pk).lead_image


def test_admin_refuses_an_upload_over_10_mb(media, admin_client):
    article = ArticleFactory()
    data = image_bytes(200, 100)
    big = SimpleUploadedFile("big.jpg", data + b"\0" * (images.MAX_BYTES + 1 - len(data)))

    response = post_image(admin_client, article, big, image_alt_en=ALT)

    errors = [error.replace("\xa0", " ") for error in field_errors(response, "lead_image")]
    assert any("10.0 MB at most" in error for error in errors), errors


def test_admin_refuses_an_image_without_alt_text(media, admin_client):
    article = ArticleFactory(original_language="fr")
    photo = SimpleUploadedFile("photo.jpg", image_bytes(300, 200))

    response = post_image(admin_client, article, photo, image_alt_en="", image_alt_fr="")

    assert field_errors(response, "image_alt_fr") == [
        "Describe the image for people who cannot see it (its alt text)."
    ]
    assert not Article.objects.get(pk=article.pk).lead_image


def test_alt_text_in_the_original_language_is_enough(media):
    article = ArticleFactory.build(original_language="fr", lead_image="items/x.jpg")
    article.image_alt_fr = "Une illustration abstraite"

    images.validate_image_alt(article, "fr")  # no error
    article.image_alt_fr = ""
    with pytest.raises(Exception, match="alt text"):
        images.validate_image_alt(article, "fr")


# -- Demo ----------------------------------------------------------------------------------


def test_demo_attaches_its_own_illustrations_with_alt_and_credit_and_reloads_unchanged(media):
    load_demo()
    files = sorted(path for path in media.rglob("*") if path.is_file())

    hub = Topic.objects.get(slug="technology-and-human-rights")
    assert hub.lead_image.name == "topics/technology-network.jpg"
    assert hub.image_alt.startswith("Abstract illustration")
    assert hub.image_credit == "Illustration: Resource Centre demo"
    assert (hub.lead_image_width, hub.lead_image_height) == (1600, 900)
    assert media_file(media, rendition(hub.lead_image, "stories:og").url).size == (1200, 630)
    with_images = Item.objects.exclude(lead_image="")
    assert with_images.count() == 3
    for item in with_images:
        assert item.image_alt and item.image_credit
        assert media_file(media, picture(item.lead_image).webp[-1].url).size == (1600, 900)

    summary = load_demo()

    assert summary.total("created") == summary.total("updated") == 0
    assert sorted(path for path in media.rglob("*") if path.is_file()) == files
    shipped = Path(__file__).resolve().parents[2] / "demo" / "images"
    assert sum(path.stat().st_size for path in shipped.glob("*.jpg")) < 1_000_000
