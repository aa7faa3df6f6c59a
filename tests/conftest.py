import os
import shutil

import pytest
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# make test spreads the suite over every CPU (pytest-xdist), so a test's speed depends on what runs
# beside it: no deadline per example, as Hypothesis's own "ci" profile (loaded when CI is set) has.
hypothesis_settings.register_profile(
    "suite",
    parent=hypothesis_settings.default,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile("suite")

# Through these fixtures or the django_db mark a test reaches the database; pytest-django refuses
# it to any other test.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "admin_user",
    "admin_client",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that reach the database (make test's second run, on PostgreSQL: "
        "the others already gave their answer on SQLite)",
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    reach, other = [], []
    for item in items:
        touches = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames)
        (reach if touches else other).append(item)
    config.hook.pytest_deselected(items=other)
    items[:] = reach


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hash test users' passwords in microseconds: the real hasher takes ~0.5 s by design.

    Tests only: a server never uses MD5 for passwords.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def alice(django_user_model):
    """The reader and writer most tests need; bob is the other one. Password: pw."""
    return django_user_model.objects.create_user("alice", password="pw")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="pw")


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered fragments must not leak from one test into the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def plain_static_storage(settings, tmp_path_factory):
    """Serve static files unhashed, so tests need no collectstatic run; and from an empty
    STATIC_ROOT, since WhiteNoise reads the whole folder for each test client (after `make serve`
    collected the static files there, that doubled the suite's time)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "no-collected-static-files"


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed (make test installs it: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety guard would refuse them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
