"""Lead images in templates: `{% picture %}` for `<picture>` markup (includes/lead_image.html
uses it), `{% thumbnail %}` for a small lazy image in a list entry, `{% rendition %}` for one
rendition's url, width and height, and `{% open_graph_image %}` for og.html. None of them
queries the database, opens a file or generates anything (stories/images.py)."""

from django import template

from resource_centre.i18n import localized
from stories import images

register = template.Library()

#: The renditions `{% rendition %}` names.
RENDITIONS = {
    "og": "stories:og",
    "thumb": "stories:thumb1x",
    "thumb-2x": "stories:thumb2x",
    "thumb-webp": "stories:thumb1x-webp",
    "thumb-2x-webp": "stories:thumb2x-webp",
    **{f"w{width}": f"stories:w{width}" for width in images.WIDTHS},
    **{f"w{width}-webp": f"stories:w{width}-webp" for width in images.WIDTHS},
}
#: A thumbnail's renditions: at its size, and at double density.
THUMBS = ("thumb", "thumb-2x")


@register.simple_tag
def picture(image):
    """`{% picture image as pic %}`: the srcset renditions of an image field's file
    (`images.Picture`), or None (no image, or its size unknown: show the file itself)."""
    return images.picture(image)


@register.simple_tag
def rendition(image, name):
    """`{% rendition item.lead_image "thumb" as thumb %}`: one rendition (url, width,
    height) by its name in RENDITIONS, or None."""
    return images.rendition(image, RENDITIONS[name])


@register.inclusion_tag("includes/thumbnail.html")
def thumbnail(image, alt=""):
    """`{% thumbnail item.lead_image text.image_alt %}`: a small cropped image, loaded
    lazily, with WebP and double-density renditions; nothing without an image."""
    return {
        "alt": alt,
        "webp": [images.rendition(image, RENDITIONS[f"{name}-webp"]) for name in THUMBS],
        "fallback": [images.rendition(image, RENDITIONS[name]) for name in THUMBS],
    }


@register.simple_tag(takes_context=True)
def open_graph_image(context, owner=None, fallback_url=""):
    """`{% open_graph_image owner og_image as og %}`: the absolute url, size and alt text
    of `owner`'s lead image's 1200×630 rendition (`owner` by default the page's `object`, a
    generic detail view's topic or item), or `fallback_url` (an image address the page
    gives) with no size, or None."""
    request = context.get("request")
    owner = owner or context.get("object")
    image = getattr(owner, "lead_image", None)
    source = images.rendition(image, RENDITIONS["og"])
    if source is None and not fallback_url:
        return None
    url = source.url if source else str(fallback_url)
    if request is not None:
        url = request.build_absolute_uri(url)
    alt = ""
    if image:
        original = getattr(owner, "original_language", None)
        alt = localized(owner, "image_alt", original=original).text
    return {
        "url": url,
        "width": source.width if source else None,
        "height": source.height if source else None,
        "alt": alt,
    }
