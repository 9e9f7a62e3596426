# The newsroom's users and sections: edition tests post the newsroom's forms too.
from tests.newsroom.conftest import (  # noqa: F401
    default_sections,
    editor,
    editor_client,
    newsroom_admin,
    politics,
    reporter,
    reporter_client,
)
