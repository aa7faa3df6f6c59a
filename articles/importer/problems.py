"""What goes wrong in an import: one bad record or file (ImportProblem), and the report of a run."""

from dataclasses import dataclass, field

# A run lists this many problems and counts the rest, so that its report stays small whatever the input.
MAX_LISTED_PROBLEMS = 1000


class ImportProblem(Exception):
    """A record or file that cannot be imported: where (the file, the record's number in it and
    its name, when known) and why. The message reads "bulk.json #3 (a.txt): missing title"."""

    def __init__(self, source: str, problem: str, *, index: int | None = None, name: str = ""):
        self.file = printable(source)
        self.index = index
        self.name = printable(name)
        self.problem = printable(problem)
        super().__init__(f"{self.source}: {self.problem}")

    @property
    def source(self) -> str:
        number = f" #{self.index}" if self.index is not None else ""
        name = f" ({self.name[:80]})" if self.name and self.name != self.file else ""
        return f"{self.file}{number}{name}"

    def __reduce__(self):
        """Pickled whole (records read in another process come with their problems)."""
        return _problem, (self.file, self.problem, self.index, self.name)

    def at(self, file: str, index: int | None, name: str = "") -> "ImportProblem":
        """The same problem located at a record (the checks that found it knew only part of where)."""
        return ImportProblem(file, self.problem, index=index, name=name)

    def as_row(self) -> dict:
        return {"file": self.file, "index": self.index, "name": self.name, "reason": self.problem}


def printable(text: str) -> str:
    """The text with each half of a surrogate pair (which a JSON file may hold as an escape, "\\udfff")
    written as that escape: the report could not be printed or shown with one."""
    return text.encode("utf-8", "backslashreplace").decode()


def _problem(file: str, problem: str, index: int | None, name: str) -> ImportProblem:
    return ImportProblem(file, problem, index=index, name=name)


@dataclass
class ImportReport:
    """The bad records of one run: the first MAX_LISTED_PROBLEMS in full, and how many in all."""

    problems: list[ImportProblem] = field(default_factory=list)
    count: int = 0

    def add(self, problem: ImportProblem) -> None:
        self.count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)

    @property
    def unlisted(self) -> int:
        return self.count - len(self.problems)

    def rows(self) -> list[dict]:
        return [problem.as_row() for problem in self.problems]

    def lines(self) -> list[str]:
        """One line per problem listed, and one for those left out."""
        more = [f"... and {self.unlisted:,} more"] if self.unlisted else []
        return [str(problem) for problem in self.problems] + more

    def refusal(self, listed_and_next: str) -> str:
        """Why nothing was imported: the one bad record, or how many there are followed by
        `listed_and_next` (where they are listed and what to do), which the caller words."""
        if self.count == 1:
            return f"Nothing was imported. {self.problems[0]}"
        return f"Nothing was imported: {self.count:,} bad records{listed_and_next}"

    def __bool__(self) -> bool:
        return self.count > 0


class InvalidRecords(ImportProblem):
    """A run that imports all or nothing found bad records: nothing was imported. The report lists them."""

    def __init__(self, report: ImportReport):
        self.report = report
        records = "bad record" if report.count == 1 else "bad records"
        super().__init__("the import", f"{report.count:,} {records}; the first: {report.problems[0]}")
