import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resource_centre.i18n import LANGUAGE_CODES
from resource_centre.publishing import (
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
)
from resource_centre.richtext import RichTextField
from resource_centre.safe_urls import SafeURLField


class SiteMessageQuerySet(PublishableQuerySet):
    def current(self):
        """The newest public message, or None."""
        return self.published().order_by("-published_at", "-id").first()


class SiteMessage(Publishable):
    """A site-wide banner ("Updating the Resource Centre Digital Platform") visitors can hide."""

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_(
            "The banner's heading, shown at the top of every page until a visitor hides it."
        ),
    )
    body = RichTextField(_("message"), help_text=_("The banner's text, under its heading."))
    link_url = SafeURLField(
        _("link address"),
        blank=True,
        help_text=_("Where the banner's link goes (https://…); leave empty for no link."),
    )
    link_label = models.CharField(
        _("link label"),
        max_length=80,
        blank=True,
        help_text=_("The words of the banner's link, e.g. “Find out more”."),
    )
    signature = models.CharField(
        _("signature"),
        max_length=200,
        blank=True,
        help_text=_("Who the message is from, shown under it: “Alex Guy, Digital Officer”."),
    )

    objects = SiteMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("site message")
        verbose_name_plural = _("site messages")
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def version(self) -> str:
        """Changes whenever the message is edited, so a hidden message shows again."""
        stamp = f"{self.pk}:{self.updated_at.isoformat() if self.updated_at else ''}"
        return hashlib.sha256(stamp.encode()).hexdigest()[:12]


class Page(Publishable):
    """A page about the site itself (About, Contact, Privacy), linked from every footer."""

    #: The pages every footer links to, by slug (created by migration 0005, editable).
    FOOTER_SLUGS = ("about", "contact", "privacy")

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The page's heading and the title of its browser tab."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_(
            "The end of the page's address (/pages/<slug>/). Every footer links the pages "
            "“about”, “contact” and “privacy”: keep those three."
        ),
    )
    body = RichTextField(_("text"), help_text=_("The page's text, under its heading."))

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("page", kwargs={"slug": self.slug})


class ContentVersion(models.Model):
    """The one row behind `resource_centre.content_version`: a token that changes whenever
    anything the public sees may have changed, when it last did, and the earliest publication
    time still to come (when the public content changes with no write)."""

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("last changed"))
    next_change_at = models.DateTimeField(_("next scheduled publication"), null=True)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return self.token


class EditorProfileQuerySet(models.QuerySet):
    def for_user(self, user) -> "EditorProfile":
        """The user's profile, unsaved (no languages) if they never set one."""
        if not getattr(user, "pk", None):
            return EditorProfile()
        return self.filter(user=user).first() or EditorProfile(user=user)


class EditorProfile(models.Model):
    """What an editor says about how they work: the languages they write and translate in
    (shown first wherever the admin lists languages, and used for their "missing
    translations" queue) and the language the admin's forms last showed them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="editor_profile",
        verbose_name=_("user"),
    )
    languages = models.JSONField(
        _("languages I work in"),
        default=list,
        blank=True,
        help_text=_("Language codes, in the order the editor prefers them."),
    )
    form_language = models.CharField(
        _("language shown in forms"),
        max_length=10,
        blank=True,
        help_text=_("The language a content form opens in; empty: the first of my languages."),
    )

    objects = EditorProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("editor profile")
        verbose_name_plural = _("editor profiles")

    def __str__(self):
        return str(self.user)

    def clean(self):
        unknown = [code for code in self.languages or [] if code not in LANGUAGE_CODES]
        if unknown:
            raise ValidationError(
                {
                    "languages": _("Unknown language codes: %(codes)s")
                    % {"codes": ", ".join(map(str, unknown))}
                }
            )
        if self.form_language and self.form_language not in LANGUAGE_CODES:
            raise ValidationError({"form_language": _("Unknown language code.")})

    def ordered_languages(self) -> list[str]:
        """Every site language: the editor's own first, in their order, then the rest."""
        mine = [code for code in self.languages or [] if code in LANGUAGE_CODES]
        return mine + [code for code in LANGUAGE_CODES if code not in mine]
