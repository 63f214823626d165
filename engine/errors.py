"""Errors and warnings the engine raises, each naming what is wrong."""

from dataclasses import dataclass

__all__ = ["BuildError", "BuildCancelledError", "SimulationError", "FileFormatError", "SpikeStudioWarning", "Problem",
           "ValidationError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a network or file, with where it is (e.g. ``projections["E->I"].weight.mean``)."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ValidationError(ValueError):
    """Raised with every problem found, so a user can fix them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SpikeStudioWarning(UserWarning):
    """Something worth telling the user that does not stop the work."""


class BuildError(ValueError):
    """The network is valid on paper but cannot be built (too big for memory, a missing plugin)."""


class BuildCancelledError(BuildError):
    """A build stopped because the user cancelled it (Stop while preparing); nothing to report."""


class SimulationError(RuntimeError):
    """A run stopped: a NaN or blow-up in a state variable, or a failing plugin. Names population and time."""

    def __init__(self, message: str, population: str | None = None, time_ms: float | None = None):
        super().__init__(message)
        self.population = population
        self.time_ms = time_ms


class FileFormatError(ValidationError):
    """A file could not be read; ``problems`` lists everything wrong with its location."""
