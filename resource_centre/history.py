"""Revision history of content (django-reversion): who changed what and when, a comparison
of any two versions, restoring an earlier version, and recovering deleted content.

**What a version holds.** Each content app registers its models here (`register()`, in its
admin module) with what they follow: a kind of item follows its `Item` row (every language
column of the title, summary and body, the topics, companies and countries), the item
follows its tag links, a statement its signatories. One version of an article is so the
whole article, as an editor sees it on its change page.

**When one is made.** Every save in the admin (a revision with the user and Django's change
message), each object a bulk publish or unpublish changes (one revision per object, so that
restoring one never touches the others), every deletion (the object as it was, so it can
be recovered even if it never had a version), and every restore and recovery (itself a new
version). Content written before the history was kept gets a first version of its stored
state the first time it is changed in the admin (`record_baselines()`), so that change can
be undone too. Versions are read afresh from the database once everything of a save is
written (`record()`): links and inline rows saved after the object itself are in them.

**Restoring** (`restore()`) puts every row of a revision back and removes the rows it
follows that came later (a tag added since). It saves through the models' own saves
(`loaddata`'s raw saves, then the admin form's ordinary save), so every signal runs: the
search text, the facet counts and the content version follow the restored content.
References to rows deleted since are dropped (a deleted tag or topic) or refused with a
message (a response's deleted company). A restore is refused when the content changed after
the editor opened the earlier version, so it never silently reverts someone else's save.

Signals are never muted: django-reversion's own view mutes them process-wide while it
shows an earlier version (a save in another thread then misses them); here the earlier
version is shown inside a transaction that is rolled back, signals and all.
"""

import datetime as dt
import difflib
import hashlib
import html
import json
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import (
    BadRequest,
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
)
from django.db import IntegrityError, connections, models, transaction
from django.db.models.deletion import Collector
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils import formats, timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from resource_centre.i18n import is_translated
from resource_centre.richtext import RichTextField

#: What each registered model follows (its parent row, its inline rows), by model.
FOLLOW: dict[type[models.Model], tuple[str, ...]] = {}

#: The hidden input of a restore or recovery form: the state the content was in when the
#: editor opened the earlier version (templates/admin/history/revision_form.html).
RESTORE_BASE = "_restore_base"


def register(model, *, follow=()):
    """Keep versions of `model`; a version also holds what `follow` names (its parent link,
    reverse relations of its inline rows)."""
    reversion.register(model, follow=follow)
    FOLLOW[model] = tuple(follow)
    return model


def _followed(obj):
    for name in FOLLOW.get(type(obj), ()):
        try:
            value = getattr(obj, name)
        except ObjectDoesNotExist:
            continue
        if isinstance(value, models.Model):
            yield value
        elif value is not None:
            yield from value.all()


def _key(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def with_followed(obj) -> list[models.Model]:
    """`obj` and everything it follows, recursively, each once."""
    found: dict[tuple[str, str], models.Model] = {}
    pending = [obj]
    while pending:
        current = pending.pop()
        if _key(current) in found:
            continue
        found[_key(current)] = current
        pending.extend(_followed(current))
    return list(found.values())


def _dependent_models() -> set[type[models.Model]]:
    """Models whose rows belong to another's version (tag links, signatories): a row whose
    required reference is gone is left out of a restore rather than refusing it."""
    dependent = set()
    for model, names in FOLLOW.items():
        for name in names:
            relation = model._meta.get_field(name)
            if relation.auto_created and not relation.concrete:
                dependent.add(relation.related_model)
    return dependent


def record(obj) -> None:
    """Add the stored state of `obj` and of everything it follows to the active revision,
    read afresh: what the save left once its links and inline rows were written too."""
    model = type(obj)
    fresh = model._base_manager.using(obj._state.db).filter(pk=obj.pk).first()
    if fresh is None:
        return
    for each in with_followed(fresh):
        reversion.add_to_revision(each)


@contextmanager
def own_revision(user=None, comment="", date=None):
    """A revision of its own, saved when the block ends (never merged into an outer one)."""
    if reversion.is_active():
        raise RuntimeError("own_revision() inside another revision would be merged into it")
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
        if date is not None:
            reversion.set_date_created(date)
        yield


def versions_of(model, object_id):
    return Version.objects.get_for_object_reference(model, str(object_id))


def record_baselines(objects) -> None:
    """A first version of each object that has none yet: its stored state, dated when it
    was last changed, so that the change about to be made can be undone."""
    by_model = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj)
    for model, group in by_model.items():
        known = set(
            Version.objects.get_for_model(model)
            .filter(object_id__in=[str(obj.pk) for obj in group])
            .values_list("object_id", flat=True)
        )
        for obj in group:
            if str(obj.pk) not in known:
                with own_revision(comment=note("baseline"), date=getattr(obj, "updated_at", None)):
                    record(obj)


# ---------------------------------------------------------------------------------------------
# Comments
# ---------------------------------------------------------------------------------------------
#
# A revision's comment is Django's change message from an admin save (JSON, translated when
# shown, as the admin's own history does), or one of ours, a JSON object naming what
# happened, also put in words when shown, in the reader's language.

COMMENTS = {
    "baseline": _("As it was before its history was recorded."),
    "published": _("Published (bulk action)."),
    "scheduled": _("Scheduled for publication (bulk action)."),
    "unpublished": _("Unpublished (bulk action)."),
    "submitted": _("Submitted for review (bulk action)."),
    "topic_added": _("Added the topic “%(name)s” (bulk action)."),
    "topic_removed": _("Removed the topic “%(name)s” (bulk action)."),
    "company_added": _("Added the company “%(name)s” (bulk action)."),
    "company_removed": _("Removed the company “%(name)s” (bulk action)."),
    "tag_added": _("Added the tag “%(name)s” (bulk action)."),
    "tag_removed": _("Removed the tag “%(name)s” (bulk action)."),
    "deleted": _("Deleted."),
    "restored": _("Restored the version of %(date)s."),
    "recovered": _("Recovered after deletion (the version of %(date)s)."),
}


def note(code: str, date: dt.datetime | None = None, **params: str) -> str:
    """A revision comment naming what happened (`COMMENTS[code]`), put in words when shown;
    `params` fill the words' other placeholders (a topic's name as it was then)."""
    data = {"history": code, **params}
    if date is not None:
        data["date"] = date.isoformat()
    return json.dumps(data)


def _when(date) -> str:
    return formats.localize(timezone.localtime(date))


def describe(revision) -> str:
    """What the revision did, in words, in the active language."""
    text = revision.comment or ""
    if text.startswith("{"):
        try:
            data = json.loads(text)
            words = str(COMMENTS[data["history"]])
            params = {k: str(v) for k, v in data.items() if k not in ("history", "date")}
            if data.get("date"):
                params["date"] = _when(dt.datetime.fromisoformat(data["date"]))
            return words % params if params else words
        except (ValueError, KeyError, TypeError):
            return text
    return revision.get_comment()


# ---------------------------------------------------------------------------------------------
# The state of an object, for refusing a restore over someone else's change
# ---------------------------------------------------------------------------------------------


def _editable_fields(model):
    """The fields an editor can change, each language's column once (not the untranslated
    field modeltranslation keeps beside them), without the parent link."""
    for f in [*model._meta.local_fields, *model._meta.local_many_to_many]:
        if not f.editable or f.primary_key or f.auto_created:
            continue
        if getattr(f.remote_field, "parent_link", False):
            continue
        if is_translated(model, f.name):
            continue
        if f.many_to_many and not f.remote_field.through._meta.auto_created:
            continue  # tags: their links are followed rows of their own
        yield f


def state_digest(obj) -> str:
    """A digest of what an editor can change of `obj` as stored: its fields, its parent's,
    its links and inline rows (not timestamps or derived text). Empty if it is not stored."""
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return ""
    rows = []
    for each in sorted(with_followed(fresh), key=_key):
        values = {}
        # Each row's own fields: a parent's are in its own row (followed).
        for f in _editable_fields(type(each)):
            if f.many_to_many:
                pks = getattr(each, f.name).values_list("pk", flat=True)
                values[f.name] = sorted(str(pk) for pk in pks)
            else:
                values[f.name] = f.value_to_string(each)
        rows.append([*_key(each), values])
    text = json.dumps(rows, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# ---------------------------------------------------------------------------------------------
# Restoring
# ---------------------------------------------------------------------------------------------


def restore(revision) -> None:
    """Put every object of `revision` back as it was (django-reversion's
    `Revision.revert(delete=True)`, with references to rows deleted since dropped or
    refused, and a clear message when a row clashes with what is stored now)."""
    versions = list(revision.version_set.all())
    if not versions:
        return
    using = versions[0].db
    rows = [(version, version._object_version) for version in versions]
    in_revision = {_key(row.object) for _version, row in rows}
    with transaction.atomic(using=using):
        # What the revision's objects follow now but did not then (a tag added since).
        current = []
        for version in versions:
            obj = version._model._base_manager.using(using).filter(pk=version.object_id).first()
            if obj is not None:
                current.append(obj)
        kept = {_key(obj) for obj in current}
        later = [obj for each in current for obj in with_followed(each) if _key(obj) not in kept]
        by_model = defaultdict(list)
        for obj in later:
            by_model[type(obj)].append(obj)
        if by_model:
            collector = Collector(using=using)
            for group in by_model.values():
                collector.collect(group)
            collector.delete()
        dependent = _dependent_models()
        pending = [row for version, row in rows if _prune(version, row, in_revision, dependent)]
        while pending:
            failed = []
            for row in pending:
                try:
                    with transaction.atomic(using=using):
                        row.save(using=using)
                except (IntegrityError, ObjectDoesNotExist):
                    failed.append(row)
            if len(failed) == len(pending):
                raise RevertError(
                    gettext(
                        "This version of “%(object)s” cannot be restored: it clashes with "
                        "what is stored now (another page may use its address)."
                    )
                    % {"object": failed[0].object}
                )
            pending = failed


def _exists(model, value, using, in_revision) -> bool:
    if (model._meta.label_lower, str(value)) in in_revision:
        return True
    return model._base_manager.using(using).filter(pk=value).exists()


def _prune(version, row, in_revision, dependent) -> bool:
    """Drop the references of `row` to rows deleted since; False if the row cannot come
    back without them and is a followed row (left out), RevertError if it is content."""
    obj = row.object
    using = version.db
    for f in obj._meta.local_concrete_fields:
        if not f.many_to_one and not f.one_to_one:
            continue
        value = getattr(obj, f.attname)
        if value is None or _exists(f.related_model, value, using, in_revision):
            continue
        if f.null:
            setattr(obj, f.attname, None)
        elif type(obj) in dependent:
            return False
        else:
            raise RevertError(
                gettext(
                    "This version of “%(object)s” cannot be restored: the %(field)s it "
                    "refers to has been deleted."
                )
                % {"object": version.object_repr, "field": f.verbose_name}
            )
    for name, pks in list((row.m2m_data or {}).items()):
        target = obj._meta.get_field(name).related_model
        wanted = [str(pk) for pk in pks]
        stored = {
            str(pk)
            for pk in target._base_manager.using(using)
            .filter(pk__in=pks)
            .values_list("pk", flat=True)
        }
        row.m2m_data[name] = [
            pk
            for pk, text in zip(pks, wanted, strict=True)
            if text in stored or (target._meta.label_lower, text) in in_revision
        ]
    return True


# ---------------------------------------------------------------------------------------------
# Comparing two versions
# ---------------------------------------------------------------------------------------------


@dataclass
class Shown:
    """One field of a version as a reader sees it: lines of text (rich text as plain text,
    never as markup), and for rich text its markup, compared when the text is the same."""

    label: str
    lines: list[str]
    markup: list[str] = field(default_factory=list)


BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|div|tr|ul|ol)\s*>|<br\s*/?>", re.I)


def rich_text_lines(value: str) -> list[str]:
    """Rich text as the lines of text a reader reads: a line per paragraph, heading or list
    item, without markup."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", value or "")))
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def markup_lines(value: str) -> list[str]:
    return [line for line in re.sub(r"(</[^>]+>)", r"\1\n", value or "").split("\n") if line]


class _Revision:
    """One revision's rows, deserialized once, by (model, object id)."""

    def __init__(self, revision):
        self.versions = {}
        for version in revision.version_set.all():
            self.versions[(version.content_type_id, version.object_id)] = version

    def row(self, model, object_id):
        ct = ContentType.objects.get_for_model(model)
        version = self.versions.get((ct.pk, str(object_id)))
        return version._object_version if version is not None else None

    def rows_of(self, model):
        ct = ContentType.objects.get_for_model(model)
        for (ct_id, _object_id), version in sorted(self.versions.items(), key=lambda kv: kv[0]):
            if ct_id == ct.pk:
                yield version._object_version


class VersionReader:
    """What versions of one object show, field by field: the object's fields with its
    parents' (every language's column), its links, and the rows it follows (tags,
    signatories); names of what they refer to read once for all the versions."""

    def __init__(self, model, object_id, versions):
        self.model = model
        self.object_id = str(object_id)
        self.revisions = [_Revision(version.revision) if version else None for version in versions]
        self.references = defaultdict(set)
        self.names = {}
        for revision in self.revisions:
            if revision is not None:
                for part, row in self._parts(revision):
                    self._collect(part, row)
        for target, pks in self.references.items():
            found = target._base_manager.filter(pk__in=pks)
            self.names[target] = {str(obj.pk): str(obj) for obj in found}

    def _parts(self, revision):
        """(model, row) of the object itself and of each parent, parents first, then the
        rows followed by any of them."""
        chain = [*reversed(self.model._meta.get_parent_list()), self.model]
        parts = []
        for model in chain:
            row = revision.row(model, self.object_id)
            if row is not None:
                parts.append((model, row))
        for model in chain:
            for name in FOLLOW.get(model, ()):
                relation = model._meta.get_field(name)
                if not (relation.auto_created and not relation.concrete):
                    continue
                related, back = relation.related_model, relation.field
                for row in revision.rows_of(related):
                    if str(getattr(row.object, back.attname)) == self.object_id:
                        parts.append((related, row))
        return parts

    def _collect(self, model, row):
        for f in _editable_fields(model):
            if f.many_to_many:
                self.references[f.related_model] |= set((row.m2m_data or {}).get(f.name, []))
            elif f.is_relation:
                value = getattr(row.object, f.attname)
                if value is not None:
                    self.references[f.related_model].add(value)

    def _name(self, model, pk) -> str:
        name = self.names.get(model, {}).get(str(pk))
        return name if name is not None else gettext("#%(id)s (deleted since)") % {"id": pk}

    def fields(self, index) -> dict[str, Shown]:
        """The fields of version number `index`, by key, in the change form's order."""
        revision = self.revisions[index]
        if revision is None:
            return {}
        shown: dict[str, Shown] = {}
        followed = defaultdict(list)
        for model, row in self._parts(revision):
            if model in (self.model, *self.model._meta.get_parent_list()):
                for f in _editable_fields(model):
                    shown[f"{model._meta.label_lower}.{f.name}"] = self._field(f, row)
            else:
                followed[model].append(self._line(model, row))
        for model, lines in followed.items():
            shown[model._meta.label_lower] = Shown(self._rows_label(model), sorted(lines))
        return shown

    def _field(self, f, row) -> Shown:
        label = capfirst(str(f.verbose_name))
        obj = row.object
        if f.many_to_many:
            pks = (row.m2m_data or {}).get(f.name, [])
            return Shown(label, sorted(self._name(f.related_model, pk) for pk in pks))
        value = getattr(obj, f.attname)
        if f.is_relation:
            return Shown(label, [self._name(f.related_model, value)] if value is not None else [])
        if isinstance(f, RichTextField):
            return Shown(label, rich_text_lines(value), markup_lines(value))
        text = self._text(f, value)
        return Shown(label, [line for line in text.splitlines() if line.strip()])

    def _text(self, f, value) -> str:
        if value is None or value == "" or value == []:
            return ""
        if f.choices:
            labels = dict(f.flatchoices)
            if isinstance(value, list | tuple):
                return ", ".join(str(labels.get(getattr(v, "code", v), v)) for v in value)
            return str(labels.get(getattr(value, "code", value), value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, dt.datetime):
            return _when(value) if timezone.is_aware(value) else formats.localize(value)
        if isinstance(value, dt.date):
            return formats.localize(value)
        if isinstance(f, models.FileField):
            return getattr(value, "name", "") or ""
        return str(value)

    def _line(self, model, row) -> str:
        """A followed row (a tag link, a signatory) as one line of its values."""
        parts = []
        for f in _editable_fields(model):
            if f.is_relation and issubclass(self.model, f.related_model):
                continue  # the link back to this object
            if f.is_relation:
                value = getattr(row.object, f.attname)
                parts.append(self._name(f.related_model, value) if value is not None else "")
            else:
                parts.append(self._text(f, getattr(row.object, f.attname)))
        return " · ".join(part for part in parts if part)

    def _rows_label(self, model) -> str:
        """ "Tags" for tag links (rows showing one reference), "Signatories" otherwise."""
        shown = [
            f
            for f in _editable_fields(model)
            if not (f.is_relation and issubclass(self.model, f.related_model))
        ]
        if len(shown) == 1 and shown[0].is_relation:
            return capfirst(str(shown[0].related_model._meta.verbose_name_plural))
        return capfirst(str(model._meta.verbose_name_plural))


@dataclass
class Line:
    html: str
    kind: str = ""  # "", "changed", "removed", "added", "gap"


@dataclass
class Difference:
    label: str
    old: list[Line]
    new: list[Line]
    markup: bool = False  # only the rich text's markup differs: it is what is shown


WORDS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
#: Unchanged lines shown around a change; longer runs are folded to a gap.
CONTEXT = 1


def _marked(parts, tag) -> str:
    return "".join(
        f"<{tag}>{escape(text)}</{tag}>" if changed and text else str(escape(text))
        for text, changed in parts
    )


def word_diff(old: str, new: str) -> tuple[str, str]:
    """Both lines escaped, the words only one has marked (<del> on the old, <ins> on the
    new)."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left.append(("".join(a[i1:i2]), tag != "equal"))
        right.append(("".join(b[j1:j2]), tag != "equal"))
    return mark_safe(_marked(left, "del")), mark_safe(_marked(right, "ins"))


def line_diff(old: list[str], new: list[str]) -> tuple[list[Line], list[Line]]:
    """Both sides line by line, escaped: changed lines with their words marked, lines only
    one side has marked whole, long unchanged runs folded."""
    left: list[Line] = []
    right: list[Line] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            lines = old[i1:i2]
            first, last = index == 0, index == len(opcodes) - 1
            head = [] if first else lines[:CONTEXT]
            tail = [] if last else lines[-CONTEXT:]
            if len(opcodes) == 1:
                head, tail = lines, []
            elif len(head) + len(tail) >= len(lines):
                head, tail = lines, []
            for side in (left, right):
                side.extend(Line(escape(line)) for line in head)
                if head != lines:
                    side.append(Line("…", "gap"))
                side.extend(Line(escape(line)) for line in tail)
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            was, now = word_diff(old[i1 + k], new[j1 + k])
            left.append(Line(was, "changed"))
            right.append(Line(now, "changed"))
        for line in old[i1 + pairs : i2]:
            left.append(Line(mark_safe(f"<del>{escape(line)}</del>"), "removed"))
        for line in new[j1 + pairs : j2]:
            right.append(Line(mark_safe(f"<ins>{escape(line)}</ins>"), "added"))
    return left, right


def compare(reader: VersionReader) -> tuple[list[Difference], int]:
    """The fields that differ between the reader's two versions, and how many do not."""
    old, new = reader.fields(0), reader.fields(1)
    differences, same = [], 0
    for key in [*new, *(key for key in old if key not in new)]:
        before, after = old.get(key), new.get(key)
        label = (after or before).label
        before_lines = before.lines if before else []
        after_lines = after.lines if after else []
        if before_lines != after_lines:
            differences.append(Difference(label, *line_diff(before_lines, after_lines)))
        elif before and after and before.markup != after.markup:
            differences.append(Difference(label, *line_diff(before.markup, after.markup), True))
        else:
            same += 1
    return differences, same


# ---------------------------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------------------------


class _RollBack(Exception):
    """Leaves the transaction an earlier version was shown in, undoing it."""

    def __init__(self, response):
        self.response = response


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


class HistoryAdmin(VersionAdmin):
    """django-reversion's admin with the history page, a comparison of two versions, and
    restore and recovery done as described above. The history, the comparison and restoring
    need the change permission (the history shows drafts as they were); recovering needs the
    add permission too."""

    object_history_template = "admin/history/object_history.html"
    revision_form_template = "admin/history/revision_form.html"
    recover_form_template = "admin/history/recover_form.html"
    recover_list_template = "admin/history/recover_list.html"
    compare_template = "admin/history/compare.html"
    change_list_template = "admin/history/change_list.html"
    history_latest_first = True
    history_per_page = 100

    # -- Hooks -------------------------------------------------------------------------

    def history_objects(self, objects) -> list:
        """The objects whose versions are kept for `objects` (a parent model's admin gives
        each one's own kind)."""
        return list(objects)

    def versions(self, object_id):
        return versions_of(self.model, object_id)

    def has_recover_permission(self, request) -> bool:
        """Who may list and recover deleted objects: those who may add and change them."""
        return self.has_change_permission(request) and self.has_add_permission(request)

    # -- Recording ---------------------------------------------------------------------

    def record_changes(self, request, objects, comment_for) -> None:
        """A revision per object, by the user, with `comment_for(obj)` (bulk actions)."""
        for obj in self.history_objects(objects):
            with own_revision(request.user, comment_for(obj)):
                record(obj)

    def log_addition(self, request, obj, message):
        record(obj)
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def log_change(self, request, obj, message):
        if not reversion.is_active():  # a save from the list (list_editable)
            with own_revision(request.user):
                return self.log_change(request, obj, message)
        record(obj)
        entry = super().log_change(request, obj, message)
        reversion.set_comment(entry.change_message)
        return entry

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                record_baselines(self.history_objects([obj]))
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Not one revision around the whole list, as django-reversion does: each object a
        # bulk action changes gets its own (restoring it must not revert the others).
        context = {"has_recover_permission": self.has_recover_permission(request)}
        context.update(extra_context or {})
        return super(VersionAdmin, self).changelist_view(request, context)

    def record_deletions(self, request, objects) -> None:
        """Each object as it is before it is deleted: what "Recover deleted ..." brings
        back, whether or not it had a version."""
        self.record_changes(request, objects, lambda obj: note("deleted"))

    def delete_model(self, request, obj):
        self.record_deletions(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.record_deletions(request, queryset)
        super().delete_queryset(request, queryset)

    # -- URLs ----------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = re_path(
            r"^([^/]+)/history/compare/$",
            self.admin_site.admin_view(self.compare_view),
            name="{}_{}_compare".format(*info),
        )
        return [compare, *super().get_urls()]

    def _url(self, name, *args):
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        return reverse("{}:{}_{}_".format(*info) + name, args=args)

    # -- Views ---------------------------------------------------------------------------

    def _object_or_redirect(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj, None

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "preserved_filters": self.get_preserved_filters(request),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        """Every version, newest first: when, who, what changed, each with a link to see
        (and restore) it and to its changes; any two can be compared."""
        obj, redirect = self._object_or_redirect(request, object_id)
        if redirect:
            return redirect
        versions = self._reversion_order_version_queryset(
            request, self.versions(obj.pk).select_related("revision__user")
        )
        paginator = self.get_paginator(request, versions, self.history_per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        rows = [
            {
                "version": version,
                "revision": version.revision,
                "comment": describe(version.revision),
                "url": self._url("revision", quote(obj.pk), version.pk),
            }
            for version in page.object_list
        ]
        context = self._context(
            request,
            obj,
            title=_("Change history: %s") % obj,
            subtitle=None,
            rows=rows,
            action_list=page,
            page_range=paginator.get_elided_page_range(page.number),
            page_var=PAGE_VAR,
            pagination_required=paginator.count > self.history_per_page,
            compare_url=self._url("compare", quote(obj.pk)),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id, extra_context=None):
        """Two versions side by side, the fields that differ with their changed words
        marked: `?new=<version>` against the one before it, or `?old=...&new=...`."""
        obj, redirect = self._object_or_redirect(request, object_id)
        if redirect:
            return redirect
        versions = self.versions(obj.pk).select_related("revision__user")
        ids = [request.GET.get(name, "") for name in ("old", "new")]
        if any(value and not value.isdigit() for value in ids) or not ids[1]:
            raise BadRequest("Versions are named by their numbers: ?old=...&new=...")
        new = get_object_or_404(versions, pk=ids[1])
        if ids[0]:
            old = get_object_or_404(versions, pk=ids[0])
        else:
            old = versions.filter(pk__lt=new.pk).order_by("-pk").first()
        if old is not None and old.pk > new.pk:
            old, new = new, old
        reader = VersionReader(self.model, obj.pk, [old, new])
        differences, same = compare(reader)
        context = self._context(
            request,
            obj,
            title=_("Compare versions of “%(object)s”") % {"object": obj},
            subtitle=None,
            old=old,
            new=new,
            old_comment=describe(old.revision) if old else "",
            new_comment=describe(new.revision),
            old_url=self._url("revision", quote(obj.pk), old.pk) if old else "",
            new_url=self._url("revision", quote(obj.pk), new.pk),
            history_url=self._url("history", quote(obj.pk)),
            differences=differences,
            same=same,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.compare_template, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version in the change form; saving it restores it (a new version).
        Refused if the content changed after the form was opened."""
        obj, redirect = self._object_or_redirect(request, object_id)
        if redirect:
            return redirect
        version = get_object_or_404(self.versions(obj.pk), pk=version_id)
        date = version.revision.date_created
        history_url = self._url("history", quote(obj.pk))

        def changed_since():
            base = request.POST.get(RESTORE_BASE)
            if base is None or base == state_digest(obj):
                return None
            messages.error(
                request,
                _(
                    "Someone saved this %(name)s after you opened the earlier version: "
                    "nothing was restored. Their change is at the top of the history; "
                    "restore again if you still want the earlier version."
                )
                % {"name": self.opts.verbose_name},
            )
            return HttpResponseRedirect(history_url)

        context = {
            "title": _("Version of %(date)s") % {"date": _when(date)},
            "history_url": history_url,
            "history_version": version,
            "history_comment": describe(version.revision),
            "restore_base": state_digest(obj),
            **(extra_context or {}),
        }
        return self._restore_view(
            request,
            version,
            self.revision_form_template,
            context,
            note("restored", date),
            changed_since,
            history_url,
        )

    def recoverlist_view(self, request, extra_context=None):
        """The deleted objects, each as last saved, newest first."""
        if not self.has_recover_permission(request):
            raise PermissionDenied
        deleted = (
            Version.objects.get_deleted(self.model)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )
        paginator = self.get_paginator(request, deleted, self.history_per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        rows = [
            {
                "version": version,
                "revision": version.revision,
                "comment": describe(version.revision),
                "url": self._url("recover", version.pk),
            }
            for version in page.object_list
        ]
        context = self._context(
            request,
            None,
            title=_("Recover deleted %(name)s") % {"name": self.opts.verbose_name_plural},
            rows=rows,
            action_list=page,
            page_range=paginator.get_elided_page_range(page.number),
            page_var=PAGE_VAR,
            pagination_required=paginator.count > self.history_per_page,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.recover_list_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted object's last version in the change form; saving it brings it back
        (with its links, tags and inline rows) as a new version."""
        if not self.has_recover_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        recover_list = self._url("recoverlist")

        def recovered_already():
            if not self.model._base_manager.filter(pk=version.object_id).exists():
                return None
            messages.info(
                request,
                _("“%(object)s” is not deleted (any more): here it is.")
                % {"object": version.object_repr},
            )
            return HttpResponseRedirect(self._url("change", quote(version.object_id)))

        if request.method == "GET" and (response := recovered_already()) is not None:
            return response
        context = {
            "title": _("Recover “%(object)s”") % {"object": version.object_repr},
            "recover_list_url": recover_list,
            "history_version": version,
            "history_comment": describe(version.revision),
            "restore_base": "",
            **(extra_context or {}),
        }
        return self._restore_view(
            request,
            version,
            self.recover_form_template,
            context,
            note("recovered", version.revision.date_created),
            recovered_already,
            recover_list,
        )

    def _restore_view(self, request, version, template, context, done, refuse, back_url):
        """The change form over `version` restored inside a transaction: shown (GET, or a
        form with errors) and rolled back, or saved (a valid POST) as a new revision with
        the comment `done`."""
        if not connections[version.db].features.uses_savepoints:
            raise ImproperlyConfigured("Restoring versions needs a database with savepoints.")
        context = {
            **context,
            "history_change_form": self.change_form_template or "admin/change_form.html",
            "restore_base_name": RESTORE_BASE,
        }
        try:
            with transaction.atomic(using=version.db):
                if request.method == "POST":
                    refused = refuse()
                    if refused is not None:
                        raise _Refused(refused)
                restore(version.revision)
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        reversion.set_comment(done)
                    elif response.status_code == 200:
                        _render_now(request, response, template)
                        raise _RollBack(response)
                    else:
                        raise Http404
        except (RevertError, models.ProtectedError) as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back_url)
        except (_RollBack, _Refused) as stop:
            return stop.response
        return response


def _render_now(request, response, template):
    """Render the page while the earlier version is in the database. The template-response
    middleware run after the view would come too late: the Content-Security-Policy nonce the
    admin's form media carry (django-prose-editor's import map, an inline script;
    resource_centre/security_headers.py) is put on them here."""
    response.template_name = template
    nonce = getattr(request, "csp_nonce", None)
    media = response.context_data.get("media")
    if nonce is not None and hasattr(media, "with_nonce"):
        response.context_data["media"] = media.with_nonce(nonce)
    response.render()


def specific_version(version):
    """The version, in the same revision, of the kind of object `version`'s parent row
    belongs to (an article's, for its item's), or None."""
    model = version._model
    for relation in model._meta.related_objects:
        if not (relation.parent_link and relation.related_model in FOLLOW):
            continue
        ct = ContentType.objects.get_for_model(relation.related_model)
        child = version.revision.version_set.filter(
            content_type=ct, object_id=version.object_id
        ).first()
        if child is not None:
            return child
    return None
