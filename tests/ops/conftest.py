from tests.newsroom.conftest import default_sections  # noqa: F401 - the sections a transactional test's flush removes
