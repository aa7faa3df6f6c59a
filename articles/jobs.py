"""The articles' background work, run by the task worker (newsroom.jobs.services.WORK names it):
each a function of the job that returns its result, safe to run twice."""

from articles.models import Story
from articles.services import articles, coverage, grouping, uploads
from newsroom.jobs.models import Job


def compare_story(job: Job) -> dict:
    story = Story.objects.filter(pk=job.arguments["story_id"]).first()
    if story is None:
        return {"report": "The story was deleted."}
    if story.status != Story.Status.CONFIRMED:  # compared when an editor confirms it
        return {"report": f"Not compared: the story is {story.get_status_display().lower()}."}
    record = coverage.compare_story(story).record
    passages = f"{len(record.passages)} shared passages"
    if record.more_passages:  # the record lists a bounded number: say how many it leaves out
        passages = (
            f"{len(record.passages)} of {len(record.passages) + record.more_passages} shared passages listed"
        )
    counts = f"{passages}, {len(record.quotes)} quotes, {len(record.facts)} facts"
    return {"report": f"Compared: {counts}."}


def apply_article_text(job: Job) -> dict:
    summary = articles.apply_article_text(**job.arguments)
    report = "New text saved: {kept} annotations kept in place, {moved} moved, {orphaned} orphaned."
    return {**summary, "report": report.format(**summary)}


def import_articles(job: Job) -> dict:
    skip_invalid = job.arguments.get("skip_invalid", False)
    return uploads.import_upload(job.file, job.arguments["name"], skip_invalid=skip_invalid)


def group_stories(job: Job) -> dict:
    return {"report": f"Grouped: {grouping.group_stories()}."}
