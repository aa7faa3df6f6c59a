"""Articles imported from a file that staff upload in the admin: a bulk JSON file, or a zip of a
folder in the format `import_corpus` reads (text files and their manifest.json). The upload is kept
in the jobs' storage and imported by the task worker, through the importer's public entry points."""

import shutil
import stat
import tempfile
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import ngettext

from articles.importer import ImportProblem, iter_records
from articles.services.coverage import compare_later
from articles.services.imports import import_articles
from newsroom.jobs.models import job_files

UPLOAD_SUFFIXES = {".json", ".zip"}
# A zip holds at most this many files, unpacked to at most this many times the upload limit: a
# small zip cannot fill the disk.
MAX_ZIP_MEMBERS = 100_000
MAX_UNPACKED_RATIO = 5
# Folders that zip tools add beside the content.
ZIP_LITTER = ("__MACOSX/",)


def store_upload(upload) -> str:
    """Keep the uploaded file for the worker: its name in the jobs' storage."""
    return job_files().save(f"imports/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload)


def import_upload(file_name: str, original_name: str) -> str:
    """Import the stored upload, all or nothing, and queue the comparisons of the stories that
    changed: the import's report. Imported again, the same file changes nothing."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = unpacked(file_name, get_valid_filename(Path(original_name).name), Path(folder))
            summary = import_articles(records=iter_records([path]), compare=False)
        except ImportProblem as problem:
            return f"Nothing was imported. {problem}"
    compare_later(summary.story_ids)
    stories = len(summary.story_ids)
    return f"Imported: {summary}. {stories} {ngettext('story', 'stories', stories)} to compare again."


def unpacked(file_name: str, name: str, folder: Path) -> Path:
    """The upload copied into the folder (under its own name, which the importer's messages give):
    a bulk JSON file, or the folder a zip holds."""
    copy = folder / name
    with job_files().open(file_name, "rb") as stored, copy.open("wb") as target:
        shutil.copyfileobj(stored, target)
    if copy.suffix.lower() != ".zip":
        return copy
    root = folder / "unpacked"
    extract(copy, root)
    entries = list(root.iterdir()) if root.exists() else []
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else root


def extract(path: Path, root: Path) -> None:
    """Unpack a zip after checking it; its links are refused (zipfile would write each as a file
    holding the path it points to). zipfile keeps every member inside root ("../" is dropped)."""
    limit = MAX_UNPACKED_RATIO * settings.IMPORT_UPLOAD_MAX_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            members = [member for member in archive.infolist() if not member.filename.startswith(ZIP_LITTER)]
            if len(members) > MAX_ZIP_MEMBERS:
                raise ImportProblem(path.name, f"it holds more than {MAX_ZIP_MEMBERS:,} files")
            if sum(member.file_size for member in members) > limit:
                raise ImportProblem(path.name, f"it unpacks to more than {limit // 1_000_000:,} MB")
            for member in members:
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise ImportProblem(f"{path.name}: {member.filename}", "a symbolic link, not a file")
            archive.extractall(root, members)
    except zipfile.BadZipFile:
        raise ImportProblem(path.name, "not a zip file that can be read") from None
