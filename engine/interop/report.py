"""What an export had to leave out: ``ExportReport`` lists (location, reason); ``ExportError`` when strict."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ExportReport", "ExportError"]


@dataclass
class ExportReport:
    """Everything of a network an export could not express, each with where it is and why."""

    format: str = ""
    left_out: list[tuple[str, str]] = field(default_factory=list)

    def add(self, location: str, reason: str) -> None:
        self.left_out.append((location, reason))

    @property
    def complete(self) -> bool:
        """True when nothing was left out."""
        return not self.left_out

    def lines(self) -> list[str]:
        return [f"{location}: {reason}" for location, reason in self.left_out]

    def __str__(self) -> str:
        if self.complete:
            return f"everything was exported to {self.format}" if self.format else "everything was exported"
        head = f"left out of the {self.format} export" if self.format else "left out of the export"
        return "\n".join([f"{head} ({len(self.left_out)}):", *("  " + line for line in self.lines())])


class ExportError(ValueError):
    """A strict export met things the format cannot express; ``report`` lists them all."""

    def __init__(self, report: ExportReport):
        self.report = report
        what = report.format or "this format"
        super().__init__(f"the network cannot be exported to {what} exactly:\n" + "\n".join(report.lines()))
