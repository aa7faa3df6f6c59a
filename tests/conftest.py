import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Serve static files unhashed, so tests need no collectstatic run."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
