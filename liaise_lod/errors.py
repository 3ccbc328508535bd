"""liaise-lod's exception and warning types. The CLI prints them without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    file: str | None
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        return ": ".join(part for part in (where, self.what(), self.message) if part)

    def what(self) -> str:
        """``record 'x', field 'y'``: what in the file the problem is about."""
        return ", ".join(
            part
            for part in (
                f"record '{self.record}'" if self.record else None,
                f"field '{self.field}'" if self.field else None,
            )
            if part
        )


class LiaiseError(Exception):
    """Base class of every error liaise-lod raises on purpose."""

    exit_code = 1


class InputError(LiaiseError):
    """The dataset is malformed. Carries every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_problem_sort_key)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the input:\n{lines}")

    def __reduce__(self) -> tuple:
        # Made again from its problems, not its message: as a helper process sends it back.
        return (type(self), (self.problems,))


class ConfigError(LiaiseError):
    """A setting (base IRI, output folder, option) is unusable."""

    exit_code = 2


class InvalidGraphError(LiaiseError):
    """The graph violates the SHACL shapes and the caller did not allow that."""

    exit_code = 1

    def __init__(self, report):
        self.report = report
        super().__init__(report.text())


class OutputError(LiaiseError):
    """Writing output failed; the previous output, if any, is left as it was."""

    exit_code = 1


class QueryError(LiaiseError):
    """A SPARQL query is malformed or cannot be run; the message says where and why."""

    exit_code = 2


class QueryTimeout(QueryError):
    """A SPARQL query ran longer than the time it was given and was stopped."""

    exit_code = 1


class PushError(LiaiseError):
    """Loading a graph into a triple store failed: the message says which request and why, with
    the store's own explanation. ``status`` is the HTTP status of the store's answer (a redirect
    not followed included), ``None`` when there was no answer (no connection, none in time)."""

    exit_code = 1

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class LiaiseWarning(UserWarning):
    """Base class of the warnings liaise-lod gives; the CLI prints them as one line."""


class UntunedValidationWarning(LiaiseWarning):
    """The installed pySHACL is not one the validation tuning was tested against: validation
    gives the same results, more slowly."""


def _problem_sort_key(problem: Problem) -> tuple:
    return (
        problem.file or "",
        problem.line or 0,
        problem.record or "",
        problem.field or "",
        problem.message,
    )
