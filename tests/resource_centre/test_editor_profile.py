import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from resource_centre.i18n import LANGUAGE_CODES
from resource_centre.models import EditorProfile

pytestmark = pytest.mark.django_db


def test_an_editors_languages_come_first_in_their_order_then_every_other():
    user = get_user_model().objects.create_user("amal")
    EditorProfile.objects.create(user=user, languages=["ar", "fr"])
    order = EditorProfile.objects.for_user(user).ordered_languages()
    assert order[:2] == ["ar", "fr"]
    assert sorted(order) == sorted(LANGUAGE_CODES)


def test_an_editor_who_never_said_gets_the_site_order_and_nothing_is_saved():
    user = get_user_model().objects.create_user("ben")
    assert EditorProfile.objects.for_user(user).ordered_languages() == LANGUAGE_CODES
    assert not EditorProfile.objects.exists()


def test_unknown_language_codes_are_refused():
    user = get_user_model().objects.create_user("cleo")
    with pytest.raises(ValidationError) as refused:
        EditorProfile(user=user, languages=["fr", "xx"], form_language="yy").full_clean()
    assert "xx" in str(refused.value)
