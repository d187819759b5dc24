"""The writes of translation requests: asking, and keeping them current as items are saved."""

from django.db import transaction
from django.utils import timezone

from stories.models import Item
from translation_requests.models import (
    RequestedLanguage,
    State,
    TranslationRequest,
    missing_fields,
)


def languages_to_ask(item, codes, already_asked=frozenset()) -> list[str]:
    """Of `codes`, those worth asking for `item`: not its original language, not translated
    into already, not in one of its open requests (`already_asked`: (item id, code) pairs)."""
    return [
        code
        for code in codes
        if code != item.original_language
        and missing_fields(item, code)
        and (item.pk, code) not in already_asked
    ]


def request_translation(items, codes, user=None, note="") -> tuple[list, list]:
    """A request for each of `items` for those of the languages `codes` it still needs;
    returns (the requests made, the items needing none of them)."""
    items = list(items)
    already_asked = set(
        RequestedLanguage.objects.filter(
            request__item__in=[item.pk for item in items],
            request__state=State.OPEN,
            done_at__isnull=True,
        ).values_list("request__item_id", "language")
    )
    made, needing_none = [], []
    now = timezone.now()
    with transaction.atomic():
        for item in items:
            needed = languages_to_ask(item, codes, already_asked)
            if not needed:
                needing_none.append(item)
                continue
            request = TranslationRequest.objects.create(
                item=item, requested_by=user, requested_at=now, note=note
            )
            RequestedLanguage.objects.bulk_create(
                RequestedLanguage(request=request, language=code) for code in needed
            )
            made.append(request)
    return made, needing_none


def refresh_requests(item) -> None:
    """After `item` was saved: its open requests mark what is done, and close when all is.
    The item's text is read from its stored row: a raw save (`loaddata`, a restore) of a
    kind's own row holds none of the `Item` columns."""
    requests = list(
        TranslationRequest.objects.open().filter(item_id=item.pk).prefetch_related("languages")
    )
    if not requests:
        return
    stored = Item._base_manager.using(item._state.db).filter(pk=item.pk).first()
    if stored is None:
        return
    for request in requests:
        request.refresh(stored)
