"""The editors' desk on the admin index (templates/admin/index.html), and the index's own
names for lists whose model name reads badly there ("All content" for items)."""

from django import template
from django.contrib import admin

from desk.queues import desk_for

register = template.Library()


@register.inclusion_tag("desk/desk.html", takes_context=True)
def editors_desk(context):
    """What waits for the user (desk/queues.py), for staff who may see items."""
    user = context["request"].user
    if not user.has_perm("stories.view_item"):
        return {"queues": []}
    return {"queues": desk_for(user)}


@register.filter
def index_labels(app_list):
    """The admin's app list with each model named by its admin's `index_label`, if it has
    one (the list is copied, never changed in place)."""
    labelled = []
    for app in app_list:
        models = []
        for model in app["models"]:
            label = None
            if admin.site.is_registered(model["model"]):
                label = getattr(admin.site.get_model_admin(model["model"]), "index_label", None)
            models.append({**model, "name": label} if label else model)
        labelled.append({**app, "models": models})
    return labelled
