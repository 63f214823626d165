"""What an export left out or approximated: ``ExportReport`` and ``ExportError``, shared by every exporter."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ExportReport", "ExportError", "location"]


def location(section: str, item_id: str) -> str:
    """How an item is named in a report: ``projections["E->E"]``, like the validator's locations."""
    return f'{section}["{item_id}"]'


@dataclass
class ExportReport:
    """Problems (items left out of the script) and notes (items exported only approximately).

    Each entry is a (location, reason) pair; ``location`` names the item as ``populations["E"]``.
    """

    target: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, where: str, reason: str) -> None:
        """Record an item the script leaves out."""
        if (where, reason) not in self.problems:
            self.problems.append((where, reason))

    def reward_node(self, item_id: str) -> None:
        """Record a reward node: a signal only reward-modulated learning reads, which no exporter writes."""
        self.problem(location("inputs", item_id), f"a reward node (the signal of reward-modulated learning) cannot "
                                                  f"be expressed in {self.target}; left out")

    def note(self, where: str, reason: str) -> None:
        """Record an item the script only approximates."""
        if (where, reason) not in self.notes:
            self.notes.append((where, reason))

    @property
    def ok(self) -> bool:
        """True when nothing was left out (approximations allowed)."""
        return not self.problems

    def locations(self) -> list[str]:
        return [where for where, _ in self.problems]

    def lines(self) -> list[str]:
        """One ``location: reason`` line per item left out."""
        return [f"{where}: {reason}" for where, reason in self.problems]

    def header_lines(self) -> list[str]:
        """The script's comment lines saying what was left out and what is approximate."""
        lines = ["Left out (not expressible in " + self.target + "):"]
        lines += [f"  {where}: {reason}" for where, reason in self.problems] or ["  nothing"]
        lines.append("Approximated:")
        lines += [f"  {where}: {reason}" for where, reason in self.notes] or ["  nothing"]
        return lines

    def __str__(self) -> str:
        return "\n".join(self.header_lines())


class ExportError(ValueError):
    """Raised by a strict export: the message names every item that could not be exported."""

    def __init__(self, report: ExportReport):
        self.report = report
        items = "; ".join(f"{where}: {reason}" for where, reason in report.problems)
        super().__init__(f"cannot export to {report.target}: {items}")
