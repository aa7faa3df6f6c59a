"""What an import does with each record, and the report that says it."""

from dataclasses import asdict, dataclass

CREATED, DUPLICATE, ORPHANED, REFUSED = "created", "duplicate", "orphaned", "refused"


class ImportFileError(Exception):
    """A file that is not an annotation file at all (or a bad creators map): nothing is imported."""


@dataclass(frozen=True)
class Outcome:
    """What the import does (or would do) with one record."""

    where: str
    kind: str
    status: str  # created, duplicate, orphaned or refused
    message: str = ""
    article: str = ""  # its title
    url: str = ""  # its page here
    method: str = ""  # how the passage was placed: position, quote or fuzzy
    start: int | None = None
    end: int | None = None
    quote: str = ""
    author: str = ""
    visibility: str = ""
    group: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    outcomes: list[Outcome]

    def count(self, status: str, kind: str = "") -> int:
        return sum(1 for o in self.outcomes if o.status == status and kind in ("", o.kind))

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def summary(self) -> str:
        verb = "would be created" if self.dry_run else "created"
        annotations, replies = self.count(CREATED, "annotation"), self.count(CREATED, "reply")
        return (
            f"{annotations} annotation{'s' * (annotations != 1)} and {replies} repl"
            f"{'ies' if replies != 1 else 'y'} {verb}; {self.count(DUPLICATE)} already here, "
            f"{self.count(ORPHANED)} orphaned, {self.count(REFUSED)} refused."
        )

    def lines(self) -> list[str]:
        """One line per record, for a terminal."""
        return [
            " ".join(
                part
                for part in [
                    f"{o.where} {o.kind}: {o.status}",
                    f"in “{o.article}” {o.start}-{o.end} by {o.method}" if o.method else "",
                    f"as {o.author}, {o.group or o.visibility}" if o.status == CREATED else "",
                    f"({o.message})" if o.message else "",
                ]
                if part
            )
            for o in self.outcomes
        ]

    def to_json(self) -> dict:
        counts = {status: self.count(status) for status in (CREATED, DUPLICATE, ORPHANED, REFUSED)}
        records = [asdict(outcome) for outcome in self.outcomes]
        return {"dry_run": self.dry_run, "summary": self.summary, "counts": counts, "records": records}
