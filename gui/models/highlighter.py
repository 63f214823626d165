"""Syntax highlighting of the model language: keywords, units, functions, numbers, quoted descriptions and
comments, with the validator's problems underlined where they are."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

from ...engine.equations.check import FUNCTIONS
from ...engine.equations.units import UNITS
from ..base.theme import current

__all__ = ["ModelHighlighter", "KEYWORDS"]

KEYWORDS = ("title", "about", "state", "param", "preset", "let", "threshold", "reset", "refractory", "method",
            "substep", "input", "receptors", "receptor")
_LEADING = re.compile(rf"^\s*({'|'.join(KEYWORDS)})\b")
_PROSE = re.compile(r"^\s*(title|about)\b")
_WORDS = re.compile(r"\b(clamp|and|or|not)\b")
_DERIVATIVE = re.compile(r"^\s*(d[A-Za-z_][A-Za-z_0-9]*\s*/\s*dt)\b")
_NUMBER = re.compile(r"(?<![A-Za-z_0-9.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\binf\b")
_NAME = re.compile(r"\b[A-Za-z_][A-Za-z_0-9]*\b")
_STRING = re.compile(r'"[^"]*"')

# (light, dark) colours of each kind of token
_COLORS = {"keyword": ("#1f4fa3", "#7aa7ff"), "derivative": ("#1f4fa3", "#7aa7ff"), "unit": ("#0b7a5a", "#5fd3a5"),
           "function": ("#7d3c98", "#d39bff"), "number": ("#a0522d", "#f0a060"), "string": ("#8a6d00", "#e0c060"),
           "comment": ("#808080", "#909090"), "problem": ("#c0392b", "#ff6b5b")}


class ModelHighlighter(QSyntaxHighlighter):
    """Colours a model's text; ``set_problems`` underlines each problem's token (line and column, 1-based)."""

    def __init__(self, document):
        super().__init__(document)
        self.problems: dict[int, list[int]] = {}  # 0-based block number -> 0-based columns
        self._formats()
        current().changed.connect(self._restyle)

    def _formats(self) -> None:
        dark = current().dark
        self.formats = {}
        for kind, colors in _COLORS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colors[1] if dark else colors[0]))
            if kind in ("keyword", "derivative"):
                fmt.setFontWeight(QFont.Bold)
            if kind == "comment":
                fmt.setFontItalic(True)
            self.formats[kind] = fmt

    def _restyle(self) -> None:
        self._formats()
        self.rehighlight()

    def set_problems(self, located: list[tuple[int, int]]) -> None:
        problems: dict[int, list[int]] = {}
        for line, col in located:
            if line > 0:
                problems.setdefault(line - 1, []).append(max(col - 1, 0))
        if problems != self.problems:
            self.problems = problems
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        code_end = _comment_start(text)
        code = text[:code_end]
        if _PROSE.match(code):  # a title or about line is words, not an expression
            self.setFormat(0, len(code), QTextCharFormat())
            lead = _LEADING.match(code)
            self.setFormat(lead.start(1), lead.end(1) - lead.start(1), self.formats["keyword"])
            code = ""
        for match in _NAME.finditer(code):
            word, end = match.group(), match.end()
            if word in UNITS:
                self.setFormat(match.start(), len(word), self.formats["unit"])
            elif word in FUNCTIONS and code[end:].lstrip().startswith("("):
                self.setFormat(match.start(), len(word), self.formats["function"])
        for match in _NUMBER.finditer(code):
            self.setFormat(match.start(), match.end() - match.start(), self.formats["number"])
        for pattern, kind in ((_WORDS, "keyword"), (_LEADING, "keyword"), (_DERIVATIVE, "derivative")):
            for match in pattern.finditer(code):
                self.setFormat(match.start(1), match.end(1) - match.start(1), self.formats[kind])
        for match in _STRING.finditer(code):
            self.setFormat(match.start(), match.end() - match.start(), self.formats["string"])
        if code_end < len(text):
            self.setFormat(code_end, len(text) - code_end, self.formats["comment"])
        for col in self.problems.get(self.currentBlock().blockNumber(), []):
            self._underline(text, col)

    def _underline(self, text: str, col: int) -> None:
        """A wavy red line under the token at ``col`` (the rest of the line when it is only spaces there)."""
        col = min(col, max(len(text) - 1, 0))  # a problem at the end of the line marks its last character
        word = _NAME.match(text, col) or _NUMBER.match(text, col)
        end = word.end() if word else len(text.rstrip())
        for i in range(col, max(end, col + 1)):
            fmt = self.format(i)
            fmt.setUnderlineStyle(QTextCharFormat.WaveUnderline)
            fmt.setUnderlineColor(self.formats["problem"].foreground().color())
            self.setFormat(i, 1, fmt)


def _comment_start(line: str) -> int:
    """Where a ``#`` comment starts (outside a quoted description), or the line's length."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return i
    return len(line)
