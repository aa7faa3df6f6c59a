"""Stories found automatically: articles without a story grouped into proposed stories."""

import datetime
from dataclasses import dataclass

from articles.text import grouping  # noqa: F401  (the pure clustering: text/grouping.py)
from newsroom.jobs.models import Job
from newsroom.jobs.services import start_job_once


@dataclass
class GroupingSummary:
    proposed: int = 0  # stories proposed
    grouped: int = 0  # articles put in them

    def __str__(self):
        return f"{self.proposed} stories proposed for {self.grouped} articles"


def group_stories(*, since: datetime.date | None = None, threshold: float | None = None) -> GroupingSummary:
    """Group the articles that have no story (published since the date) into proposed stories."""
    return GroupingSummary()


def group_later() -> Job:
    """Have the worker group the articles without a story (after an import)."""
    return start_job_once(Job.Kind.GROUP_STORIES, subject="group-stories")
