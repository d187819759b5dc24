"""Bulk add and remove of a link (a topic, a company, a tag) over a change list's selection.

Each is an admin action with an intermediate page (Django's delete confirmation is the
model): the editor picks the topic, company or tag from a labelled select (no JavaScript
needed), confirms, and gets one message with the count. Only the objects the action really
changes are touched: each gets the link through its own many-to-many manager, so the
`m2m_changed` signal every derived store listens to is sent for it (the facet counts, the
search text of company names, the content version and with it the page cache and the
feeds' validators), its `updated_at` moves on, and it gets a version of its own in its
history (`ContentAdmin._versioned`, as bulk publish does). Objects that already had the
link (adding) or never had it (removing) are left as they were: no write, no version.
Removing never takes from published (or scheduled) content the last of a relation it needs
to be published (`REQUIRED_TO_PUBLISH`: an item's topics): those are left as they were and
the message says how many.

The kernel names no app: the admin that offers these actions says which field each
changes, with its own words (`LinkAction`); stories does for every kind of item.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from resource_centre.history import note
from resource_centre.publishing import Status

#: How many of the selected objects the confirmation page names (then "and N more").
LISTED = 20


@dataclass(frozen=True)
class LinkAction:
    """One action: add (or remove) one object of the many-to-many `field`."""

    name: str  # the action's name, "add_topic"
    field: str  # the many-to-many field of the model, "topics"
    adding: bool
    description: str  # the action's label in the change list, "Add a topic"
    history: str  # the revision comment's code (resource_centre.history.COMMENTS)
    done: str  # ngettext_lazy(..., "count"), with %(name)s: "Added the topic “%(name)s” to …"


class LinkForm(forms.Form):
    """The intermediate page's choice: one object of the field's related model."""

    def __init__(self, *args, field, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = forms.ModelChoiceField(
            queryset=queryset,
            label=capfirst(field.remote_field.model._meta.verbose_name),
            empty_label=_("Choose…"),
        )


def choices_for(spec: LinkAction, model, pks):
    """What the select offers: every object to add; to remove, those linked to at least one
    of the selected objects (nothing else could change anything)."""
    field = model._meta.get_field(spec.field)
    related = field.remote_field.model._default_manager.all()
    if spec.adding:
        return related
    return related.filter(**{f"{field.related_query_name()}__in": pks}).distinct()


def changing(spec: LinkAction, queryset, target):
    """The objects of `queryset` the action changes: those without the link (adding), or
    with it (removing)."""
    lookup = {f"{spec.field}__pk": target.pk}
    if spec.adding:
        return queryset.exclude(**lookup)
    return queryset.filter(**lookup).distinct()


def keeping_what_publishing_needs(spec: LinkAction, queryset):
    """`queryset` without the published or scheduled objects whose last link of a relation
    publishing needs the removal would take; and how many those are."""
    if spec.adding or spec.field not in getattr(queryset.model, "REQUIRED_TO_PUBLISH", ()):
        return queryset, 0
    # Counted afresh: `queryset` (filtered on the link) would count the removed one only.
    last = (
        queryset.model._default_manager.filter(
            pk__in=queryset.values("pk"), status=Status.PUBLISHED
        )
        .annotate(links=Count(spec.field, distinct=True))
        .filter(links=1)
    )
    kept = list(last.values_list("pk", flat=True))
    return queryset.exclude(pk__in=kept), len(kept)


def apply_link(spec: LinkAction, objects, target) -> int:
    """Add or remove `target` on each of `objects` through its own manager (one
    `m2m_changed` each); return how many."""
    objects = list(objects)
    for obj in objects:
        manager = getattr(obj, spec.field)
        if spec.adding:
            manager.add(target)
        else:
            manager.remove(target)
    if objects:
        model = type(objects[0])
        model._base_manager.filter(pk__in=[obj.pk for obj in objects]).update(
            updated_at=timezone.now()
        )
    return len(objects)


def link_action(spec: LinkAction):
    """The admin action for `spec` (needs the change permission), for `ModelAdmin.actions`.
    The model admin must be a ContentAdmin (its `_versioned` keeps the history)."""

    def action(modeladmin, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        field = modeladmin.model._meta.get_field(spec.field)
        form = LinkForm(
            request.POST if "apply" in request.POST else None,
            field=field,
            queryset=choices_for(spec, modeladmin.model, pks),
        )
        if form.is_valid():
            target = form.cleaned_data["target"]
            name = str(target)
            targets, kept = keeping_what_publishing_needs(spec, changing(spec, queryset, target))
            count = modeladmin._versioned(
                request,
                lambda objects: apply_link(spec, objects, target),
                targets,
                targets,
                lambda obj: note(spec.history, name=name),
            )
            if kept:
                modeladmin.message_user(
                    request,
                    ngettext(
                        "%(count)d published item keeps “%(name)s”: it is its only one, and "
                        "published content needs one. Unpublish it or give it another first.",
                        "%(count)d published items keep “%(name)s”: it is their only one, and "
                        "published content needs one. Unpublish them or give them another "
                        "first.",
                        kept,
                    )
                    % {"count": kept, "name": name},
                    messages.WARNING,
                )
            if count:
                modeladmin.message_user(
                    request, spec.done % {"count": count, "name": name}, messages.SUCCESS
                )
            elif not kept:
                nothing = (
                    _("Nothing changed: every one selected already had “%(name)s”.")
                    if spec.adding
                    else _("Nothing changed: none of those selected had “%(name)s”.")
                )
                modeladmin.message_user(request, nothing % {"name": name}, messages.WARNING)
            return None
        opts = modeladmin.model._meta
        selected = list(queryset[:LISTED])
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": spec.description,
            "opts": opts,
            "form": form,
            "action_name": spec.name,
            "adding": spec.adding,
            "selected": selected,
            "selected_pks": pks,
            "more": max(len(pks) - len(selected), 0),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": modeladmin.media + form.media,
        }
        request.current_app = modeladmin.admin_site.name
        return TemplateResponse(request, "admin/bulk_link.html", context)

    action.__name__ = spec.name
    return admin.action(description=spec.description, permissions=["change"])(action)
