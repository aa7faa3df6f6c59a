"""Articles imported from a file that staff upload in the admin: a bulk JSON, JSON Lines or CSV file,
a saved web page, or a zip of a folder in the format `import_corpus` reads (text files, web pages
and their manifest.json). The upload is kept in the jobs' storage and imported by the task worker,
through the importer's public entry points."""

import shutil
import stat
import tempfile
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import ngettext

from articles.importer import SUFFIXES, ImportProblem, ImportReport, InvalidRecords, iter_records
from articles.services.grouping import group_later
from articles.services.imports import import_articles
from articles.services.stories import compare_confirmed
from newsroom.jobs.models import Job, job_files

UPLOAD_SUFFIXES = (SUFFIXES - {".txt"}) | {".zip"}  # a lone text file has no manifest: zip its folder
# A zip holds at most this many files, unpacked to at most this many times the upload limit: a
# small zip cannot fill the disk.
MAX_ZIP_MEMBERS = 100_000
MAX_UNPACKED_RATIO = 5
# Folders that zip tools add beside the content.
ZIP_LITTER = ("__MACOSX/",)
REFUSED = ", listed below. Fix them, or import again with “Skip invalid records” to import the others."


def store_upload(upload) -> str:
    """Keep the uploaded file for the worker: its name in the jobs' storage."""
    return job_files().save(f"imports/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload)


def upload_subject(name: str) -> str:
    """What the upload's job is about: the file's name, shortened to fit a job's subject."""
    name = Path(name).name
    limit = Job._meta.get_field("subject").max_length
    return name if len(name) <= limit else f"{name[: limit - 1]}…"


def import_upload(file_name: str, original_name: str, *, skip_invalid: bool = False) -> dict:
    """Import the stored upload and queue the comparisons of the stories that changed, and the
    grouping of new articles into stories: the job's result, with the import's report and its bad
    records. Every bad record is reported; then by default nothing is imported, with skip_invalid
    the good records are. Imported again, the same file changes nothing."""
    problems = ImportReport()
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = unpacked(file_name, get_valid_filename(Path(original_name).name), Path(folder))
            summary = import_articles(
                records=iter_records([path], report=problems),
                compare=False,
                report=problems,
                skip_invalid=skip_invalid,
            )
        except InvalidRecords:
            return upload_result(problems.refusal(REFUSED), problems)
        except ImportProblem as problem:
            return upload_result(f"Nothing was imported. {problem}", problems)
    stories = compare_confirmed(summary.story_ids)  # readers see no others
    if summary.created:
        group_later()
    report = f"Imported: {summary}. {stories} {ngettext('story', 'stories', stories)} to compare again."
    return upload_result(report, problems)


def upload_result(report: str, problems: ImportReport) -> dict:
    """A job's result: its report, and the bad records (file, index, name, reason) listed."""
    return {"report": report, "bad_records": problems.count, "problems": problems.rows()}


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
