"""Lead images of topics and items: what an upload must be, and the renditions pages show.

Renditions are django-imagekit specs: widths for `srcset` in WebP and in the image's own
format, a 1200×630 crop for Open Graph and a small crop for list entries. They are written
when an image is saved (the `OnSave` strategy below: imagekit's source groups relay the
model's post_save), never while a page renders: a page only names them, from the image's
name and its stored width and height, with no query and no file access.

A rendition's file name is a hash of the source's name and the spec, under
`IMAGEKIT_CACHEFILE_DIR`; an upload is never saved over another (Django's storage gives it
a new name), so a rendition never goes stale. `manage.py generateimages` writes any that
are missing (after media is restored from a backup without them, for instance).
"""

import hashlib
import logging
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.forms import ImageField as ImageFormField
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from imagekit import register
from imagekit.specs import ImageSpec
from imagekit.specs.sourcegroups import ImageFieldSourceGroup
from PIL import ExifTags, Image, ImageOps
from pilkit.processors import ResizeToFill

from resource_centre.i18n import column

#: An upload's largest size in bytes, and in pixels (width × height: a small file can
#: decompress into a huge image, which would exhaust the memory of whoever opens it).
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

#: The formats accepted (by content, as Pillow reads it), each with its file extension.
#: SVG is refused: it is a document that can carry scripts.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
EXTENSIONS = ("jpg", "jpeg", "png", "webp", "gif")
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

#: The widths of the `srcset` renditions (none is wider than its source).
WIDTHS = (400, 800, 1200, 1600)
#: Open Graph's recommended size (cropped to fill).
OG_SIZE = (1200, 630)
#: A list entry's thumbnail, shown at THUMB_SIZE CSS pixels (with a double-density one).
THUMB_SIZE = (160, 120)

#: The `sizes` of a lead image: the page's width (`.wrap`, 70rem less 1rem gutters) on
#: wide screens, the viewport less its gutters on narrow ones.
LEAD_SIZES = "(min-width: 70rem) 68rem, calc(100vw - 2rem)"

logger = logging.getLogger(__name__)

_ORIENTATION = ExifTags.Base.Orientation
#: EXIF orientations that turn the stored image a quarter (width and height swap).
_QUARTER_TURNS = {5, 6, 7, 8}


# -- What an upload must be ---------------------------------------------------------------


def check_upload(upload) -> str:
    """The format of an uploaded image (JPEG, PNG, WEBP or GIF), or a ValidationError
    saying what is wrong with it: too large, too many pixels, SVG, another format, or not
    an image at all (read with Pillow, `verify()` included)."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; it may be %(limit)s at most."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
        )
    upload.seek(0)
    head = upload.read(512).lstrip().lower()
    upload.seek(0)
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".svg", ".svgz")) or head.startswith((b"<?xml", b"<svg", b"<!doctype")):
        raise ValidationError(
            _(
                "SVG images are not accepted (they can carry scripts): "
                "upload a JPEG, PNG, WebP or GIF image."
            ),
            code="svg",
        )
    try:
        with warnings.catch_warnings():
            # Above Pillow's own limit a warning, above twice it an error: both refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                if image_format not in FORMATS:
                    raise ValidationError(
                        _(
                            "%(format)s images are not accepted: "
                            "upload a JPEG, PNG, WebP or GIF image."
                        ),
                        code="format",
                        params={"format": image_format},
                    )
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(None, None) from None
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds for broken files
        raise ValidationError(
            _("The file is not an image Pillow can read, or it is damaged."),
            code="invalid_image",
        ) from error
    finally:
        upload.seek(0)
    return image_format


def _too_many_pixels(width, height) -> ValidationError:
    if width is None:
        return ValidationError(
            _("The image has far too many pixels; it may have %(limit)s million at most."),
            code="too_many_pixels",
            params={"limit": MAX_PIXELS // 1_000_000},
        )
    return ValidationError(
        _(
            "The image is %(width)s × %(height)s pixels; it may have %(limit)s million "
            "pixels at most."
        ),
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
    )


def validate_new_upload(value):
    """The model field's validator: a file just assigned (not one already stored, which
    was checked when it came) must pass `check_upload()`."""
    if value and not getattr(value, "_committed", True):
        check_upload(value.file)


def validate_image_alt(instance, original: str | None = None):
    """An image needs a description (its alt text) in English or in `original` (the
    language the content was written in): every language falls back to one of them."""
    if not instance.lead_image:
        return
    languages = ["en", *([original] if original and original != "en" else [])]
    if any(getattr(instance, column("image_alt", code), "") for code in languages):
        return
    raise ValidationError(
        {
            column("image_alt", languages[-1]): _(
                "Describe the image for people who cannot see it (its alt text)."
            )
        },
        code="alt_required",
    )


class LeadImageFormField(ImageFormField):
    """Checks an upload with `check_upload()` before Django's own checks, so a bomb, an
    SVG or a large file is named as such, and stores it under the extension of its real
    format (a PNG called photo.jpg becomes photo.png: renditions follow the extension)."""

    def to_python(self, data):
        if data in self.empty_values:
            return super().to_python(data)
        image_format = check_upload(data)
        stem = PurePosixPath(data.name or "image").stem or "image"
        data.name = f"{stem}.{FORMATS[image_format]}"
        return super().to_python(data)


class LeadImageFieldFile(ImageFieldFile):
    def _get_image_dimensions(self):
        """(width, height) as the image is shown: turned by its EXIF orientation, as the
        renditions are."""
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            self.open()
            try:
                self._dimensions_cache = oriented_size(self)
            finally:
                if close:
                    self.close()
                else:
                    self.seek(0)
        return self._dimensions_cache


def oriented_size(fileobj) -> tuple[int, int]:
    """(width, height) of an image file as shown: turned by its EXIF orientation, as the
    renditions are (`Orient`). Reads the header only."""
    fileobj.seek(0)
    with Image.open(fileobj) as image:
        width, height = image.size
        if image.getexif().get(_ORIENTATION) in _QUARTER_TURNS:
            width, height = height, width
    return width, height


class LeadImageField(models.ImageField):
    """An ImageField holding a lead image: checked uploads (JPEG, PNG, WebP or GIF, at
    most MAX_BYTES and MAX_PIXELS), oriented width and height stored beside it (pages size
    the renditions from them), and a file missing from storage read as no dimensions
    instead of an error."""

    attr_class = LeadImageFieldFile
    default_validators = [validate_new_upload]

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        try:
            super().update_dimension_fields(instance, force, *args, **kwargs)
        except (OSError, ValueError):  # gone from storage, or not an image after all
            if self.width_field:
                setattr(instance, self.width_field, None)
            if self.height_field:
                setattr(instance, self.height_field, None)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LeadImageFormField, **kwargs})


# -- Renditions -----------------------------------------------------------------------------


def fit_width(width: int, height: int, target: int) -> tuple[int, int]:
    """The size of an image of `width` × `height` narrowed to `target` (never widened)."""
    if width <= target:
        return width, height
    return target, max(1, round(height * target / width))


class Draft:
    """Lets a JPEG decode at 1/2, 1/4 or 1/8 scale when the output needs no more (a 12 MP
    photo's 400 px rendition then decodes a 1000 px image). Asked for a `side` × `side`
    square, so that it holds whichever way the image is turned."""

    def __init__(self, side: int):
        self.side = side

    def process(self, image):
        if image.format == "JPEG":
            image.draft("RGB", (self.side, self.side))
        return image


class Orient:
    """Turns the image as its EXIF orientation says (as `LeadImageFieldFile` measures)."""

    def process(self, image):
        return ImageOps.exif_transpose(image)


class FitWidth:
    """Narrows the image to `width`, keeping its proportions (see `fit_width()`): to
    exactly `size` when given (what pages announce, computed from the stored size; a
    drafted JPEG's rounding could otherwise differ by a pixel)."""

    def __init__(self, width: int, size: tuple[int, int] | None = None):
        self.width, self.size = width, size

    def process(self, image):
        size = self.size or fit_width(*image.size, self.width)
        return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


def fallback_format(name: str) -> str:
    """The format of the non-WebP renditions: the source's own (read from the extension
    the upload was given, `LeadImageFormField`), but PNG for a GIF (a resized GIF loses
    colours, and its animation either way)."""
    extension = PurePosixPath(name or "").suffix.lower().lstrip(".")
    source = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}.get(extension)
    return source or "PNG"


class OnSave:
    """Write a rendition when its source is saved, if it is used (`Rendition.is_used`) and
    not written yet; never check or write while a page asks for its URL."""

    def on_source_saved(self, file):
        write(file)

    def should_verify_existence(self, file):
        return False


def write(file) -> bool:
    """Write one rendition (an imagekit cache file) if its source's size is known, it is
    used and it is not written yet; whether it was written."""
    spec = file.generator
    if spec.source_size() is None:  # unreadable when it was assigned: nothing to make
        return False
    if not spec.is_used() or file.storage.exists(file.name):
        return False
    try:
        file.generate(force=True)
    except Exception:  # the content is saved; `generateimages` can try again
        logger.exception("Could not write the rendition %s", file.name)
        return False
    return True


def write_renditions(image) -> int:
    """Write every rendition of `image` still missing (what saving a new image does through
    imagekit's signals; for paths that bypass them); how many were written."""
    from imagekit.cachefiles import ImageCacheFile

    if not image:
        return 0
    return sum(write(ImageCacheFile(spec(source=image))) for spec in SPECS.values())


class Rendition(ImageSpec):
    cachefile_strategy = OnSave
    #: WEBP, or None for the source's own format (`fallback_format()`).
    output = None
    #: Raise to give every rendition a new name when the processing itself changes.
    VERSION = 1

    def describe(self) -> tuple:
        """What the output depends on besides the source (its name is part of the hash)."""
        raise NotImplementedError

    def get_hash(self):
        """A stable hash of the source's name and `describe()` (imagekit's own pickles the
        processors, so renaming a class here would rename every rendition)."""
        key = repr((self.VERSION, self.source.name, self.describe(), self.format))
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    @property
    def format(self):
        return self.output or fallback_format(self.source.name)

    @property
    def options(self):
        if self.format == "WEBP":
            return {"quality": 80, "method": 4}
        if self.format == "JPEG":
            return {"quality": 82, "progressive": True}
        return {}

    def source_size(self) -> tuple[int, int] | None:
        return stored_size(self.source)

    def size(self) -> tuple[int, int] | None:
        raise NotImplementedError

    def is_used(self) -> bool:
        return True


class WidthRendition(Rendition):
    width = 0

    @property
    def processors(self):
        return [Draft(self.width), Orient(), FitWidth(self.width, self.size())]

    def describe(self):
        return ("width", self.width, sorted(self.options.items()))

    def size(self):
        source = self.source_size()
        return fit_width(*source, self.width) if source else None

    def is_used(self):
        """Not when a narrower rendition already holds the whole source."""
        source = self.source_size()
        if source is None:
            return True
        narrower = [width for width in WIDTHS if width < self.width]
        return not narrower or source[0] > max(narrower)


class CropRendition(Rendition):
    box = (0, 0)

    @property
    def processors(self):
        return [Draft(max(self.box)), Orient(), ResizeToFill(*self.box)]

    def describe(self):
        return ("fill", self.box, sorted(self.options.items()))

    def size(self):
        return self.box


class OgRendition(CropRendition):
    """JPEG whatever the source: what every sharing preview reads."""

    box = OG_SIZE
    output = "JPEG"


def _spec(base, **attrs) -> type[Rendition]:
    return type(base.__name__, (base,), attrs)


#: Every rendition by its id: (name, format) for srcset widths, then og and thumbs.
SPECS: dict[str, type[Rendition]] = {}
for _width in WIDTHS:
    SPECS[f"stories:w{_width}-webp"] = _spec(WidthRendition, width=_width, output="WEBP")
    SPECS[f"stories:w{_width}"] = _spec(WidthRendition, width=_width)
SPECS["stories:og"] = OgRendition
for _scale in (1, 2):
    _box = (THUMB_SIZE[0] * _scale, THUMB_SIZE[1] * _scale)
    SPECS[f"stories:thumb{_scale}x-webp"] = _spec(CropRendition, box=_box, output="WEBP")
    SPECS[f"stories:thumb{_scale}x"] = _spec(CropRendition, box=_box)


def register_sources(*sources: tuple[type[models.Model], str]):
    """Register every rendition for each (model, image field): imagekit then writes them
    when an instance is saved with a new image (and `generateimages` finds them)."""
    for spec_id, spec in SPECS.items():
        register.generator(spec_id, spec)
    for model, field in sources:
        group = ImageFieldSourceGroup(model, field)
        for spec_id in SPECS:
            register.source_group(spec_id, group)


def stored_size(image) -> tuple[int, int] | None:
    """The oriented (width, height) stored beside `image` (its field's width and height
    fields), without opening the file; None when unknown."""
    field, instance = getattr(image, "field", None), getattr(image, "instance", None)
    if field is None or instance is None or not field.width_field:
        return None
    width = getattr(instance, field.width_field, None)
    height = getattr(instance, field.height_field, None)
    return (width, height) if width and height else None


# -- What templates read ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """A lead image's renditions for `<picture>`: WebP widths, widths in the fallback
    format (`src` the widest of those), its size and the fallback's MIME type."""

    webp: list[Source]
    fallback: list[Source]
    width: int
    height: int
    fallback_type: str
    sizes: str = LEAD_SIZES

    @property
    def needs_webp_source(self) -> bool:
        """A `<source type="image/webp">` adds nothing when the fallback is WebP too."""
        return self.fallback_type != MIME_TYPES["WEBP"]

    @property
    def src(self) -> str:
        return self.fallback[-1].url

    @property
    def webp_srcset(self) -> str:
        return srcset(self.webp)

    @property
    def fallback_srcset(self) -> str:
        return srcset(self.fallback)


def srcset(sources: list[Source]) -> str:
    return ", ".join(f"{source.url} {source.width}w" for source in sources)


def rendition(image, spec_id: str) -> Source | None:
    """One rendition of `image` (url, width, height), named from the image's name and
    stored size: no query, no file opened, nothing generated. None without an image or
    with an unknown size (a file missing from storage)."""
    if not image or stored_size(image) is None:
        return None
    from imagekit.cachefiles import ImageCacheFile

    spec = SPECS[spec_id](source=image)
    return Source(ImageCacheFile(spec).url, *spec.size())


def picture(image) -> Picture | None:
    """Every `srcset` rendition of `image`, narrowest first (those a narrower one makes
    redundant left out); None as `rendition()` says."""
    if not image or stored_size(image) is None:
        return None
    webp, fallback = [], []
    for width in WIDTHS:
        if not SPECS[f"stories:w{width}"](source=image).is_used():
            continue
        webp.append(rendition(image, f"stories:w{width}-webp"))
        fallback.append(rendition(image, f"stories:w{width}"))
    widest = fallback[-1]
    image_format = fallback_format(image.name)
    return Picture(webp, fallback, widest.width, widest.height, MIME_TYPES[image_format])
