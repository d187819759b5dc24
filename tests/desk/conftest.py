from tests.resource_centre.admin.conftest import (  # noqa: F401 (fixtures)
    editor,
    editor_client,
    editors_group,
    publisher,
    publisher_client,
)
