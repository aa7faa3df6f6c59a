"""The search index's background work, run by the task worker (newsroom.jobs.services.WORK)."""

from django.template.defaultfilters import filesizeformat

from newsroom.jobs.models import Job
from newsroom.search import index


def rebuild_index(job: Job) -> dict:
    """Drop and build the index in one transaction: run twice, it builds the same index."""
    index.rebuild()
    return {"report": f"Search index rebuilt: {filesizeformat(index.size_bytes())}."}
