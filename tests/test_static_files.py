"""Static files as collectstatic writes them for production, where every name carries a hash."""

import json
import posixpath
import re

import pytest
from django.core.management import call_command

from newsroom.settings import STORAGES as PRODUCTION_STORAGES  # tests serve plain files (conftest)

# Every module specifier of an import (or export) from another file, however it is written.
FROM_SPECIFIER = re.compile(r"""\bfrom\s*["']([^"']+)["']""")


@pytest.fixture
def hashed_names(settings, tmp_path):
    """Run collectstatic as production does; return its manifest: plain name -> hashed name."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = PRODUCTION_STORAGES
    call_command("collectstatic", interactive=False, verbosity=0)
    return json.loads((tmp_path / "staticfiles.json").read_text())["paths"]


def imports_of(static_root, name):
    return FROM_SPECIFIER.findall((static_root / name).read_text())


def test_annotate_js_imports_the_hashed_modules(hashed_names, tmp_path):
    imported = [
        posixpath.basename(hashed_names[f"js/{name}.js"])
        for name in ("api", "offsets", "fragments", "popover")
    ]
    assert re.fullmatch(r"api\.[0-9a-f]{12}\.js", imported[0])
    assert imports_of(tmp_path, hashed_names["js/annotate.js"]) == [f"./{name}" for name in imported]


def test_every_import_between_our_modules_names_a_hashed_file(hashed_names, tmp_path):
    ours = [hashed for name, hashed in hashed_names.items() if name.startswith("js/")]
    for module in ours:
        for specifier in imports_of(tmp_path, module):
            imported = posixpath.normpath(posixpath.join(posixpath.dirname(module), specifier))
            assert imported in ours, f"{module} imports {specifier}"
