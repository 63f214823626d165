"""A small TeX subset turned into the HTML that Qt's rich text (QLabel, QTextBrowser) draws as readable math.

Equations in the catalogue and in lessons are data: this module only maps known commands to characters and
tags; an unknown command is shown as its name, nothing is ever run. No Qt here, so it is testable on its own.
Variables are italic, subscripts that name things (``V_{th}``, ``g_{Na}``) upright, ``\\frac`` a stacked
fraction in display math and ``a/b`` inline (rich text has no inline tables).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

__all__ = ["tex_to_html", "tex_to_display_html", "markdown_with_math"]

GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
    ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("vartheta", 0x3D1),
    ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE),
    ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3C6),
    ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9))}
UPPER_GREEK = {name: chr(code) for name, code in (
    ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E), ("Pi", 0x3A0),
    ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9))}
RELATIONS = {"in": "∈", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
             "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "equiv": "≡", "propto": "∝"}
OPERATORS = {"cdot": "·", "times": "×", "pm": "±", "mp": "∓"}
SYMBOLS = {"infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑", "int": "∫", "ldots": "…", "dots": "…",
           "cdots": "⋯", "{": "{", "}": "}", "%": "%", "$": "$", "&": "&amp;", "#": "#", "_": "_"}
FUNCTIONS = {"exp", "ln", "log", "sin", "cos", "tan", "tanh", "max", "min", "sign", "lim"}
SPACES = {",": "\u2009", ":": "&nbsp;", ";": "&nbsp;", " ": " ", "quad": "&nbsp;&nbsp;&nbsp;", "qquad": "&nbsp;" * 6,
          "!": ""}
IGNORED = {"left", "right", "displaystyle", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"}
UPRIGHT_WRAPPERS = {"text", "mathrm", "textrm", "operatorname", "rm"}
TEXT_RELATIONS = {"=": "=", "<": "&lt;", ">": "&gt;"}
TEXT_OPERATORS = {"+": "+", "-": "−", "*": "&#8727;"}
# Characters Markdown would act on are written as entities, so the HTML survives a Markdown pass unchanged.
MARKDOWN_SAFE = {"*": "&#42;", "_": "&#95;", "`": "&#96;", "[": "&#91;", "]": "&#93;", "|": "&#124;",
                 "\\": "&#92;", "~": "&#126;"}


@dataclass
class Piece:
    """One rendered unit; ``kind``: atom, func (exp, ln), op (binary or sign), rel, open, close, punct, space."""

    kind: str
    html: str


@dataclass
class Frac:
    num: list
    den: list
    kind: str = "atom"


@dataclass
class Scripted:
    base: list
    sub: list | None = None
    sup: list | None = None
    kind: str = "atom"


MAX_NESTING = 40  # deeper groups are not math anyone writes; the text is shown as written instead


class _TooDeepError(Exception):
    pass


@dataclass
class _Parser:
    tex: str
    pos: int = 0
    nodes: list = field(default_factory=list)
    depth: int = 0

    def peek(self) -> str:
        return self.tex[self.pos] if self.pos < len(self.tex) else ""

    def parse(self, upright: bool = False, closing: str = "") -> list:
        """Nodes up to ``closing`` (a ``}``) or the end; ``upright`` for subscripts and ``\\mathrm``."""
        return self._nested(self._parse, upright, closing)

    def _nested(self, read, *args) -> list:
        """``read(*args)`` one level deeper: every way into an argument (a group, ``\\frac\\frac``,
        ``\\sqrt\\sqrt``, ``x^\\sqrt``) counts, so no construct nests past MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _TooDeepError
        try:
            return read(*args)
        finally:
            self.depth -= 1

    def _parse(self, upright: bool, closing: str) -> list:
        nodes: list = []
        while self.pos < len(self.tex):
            ch = self.tex[self.pos]
            if ch == closing:
                self.pos += 1
                return nodes
            if ch.isspace():  # TeX ignores spaces in math
                self.pos += 1
                continue
            if ch in "_^":
                self.pos += 1
                self._attach(nodes, ch, self.argument(upright=ch == "_"))
                continue
            nodes.extend(self.atom(upright))
        return nodes

    def _attach(self, nodes: list, which: str, script: list) -> None:
        if not nodes or not isinstance(nodes[-1], Scripted):
            base = [nodes.pop()] if nodes and nodes[-1].kind in ("atom", "close", "func") else []
            nodes.append(Scripted(base))
        setattr(nodes[-1], "sub" if which == "_" else "sup", script)

    def argument(self, upright: bool = False) -> list:
        """A ``{group}`` or the single next token."""
        while self.peek() == " ":
            self.pos += 1
        if self.peek() == "{":
            self.pos += 1
            return self.parse(upright, closing="}")
        if not self.peek():
            return []
        if self.peek() == "\\" or not self.peek().isalpha():
            return self._nested(self.atom, upright)
        self.pos += 1  # a bare letter or digit after _ or ^ is one character: x_mn is x_m n
        return [_letters(self.tex[self.pos - 1], upright)]

    def raw_group(self) -> str:
        """The text of a ``{...}`` argument as written (for ``\\text``)."""
        while self.peek() == " ":
            self.pos += 1
        if self.peek() != "{":
            return ""
        depth, start = 0, self.pos + 1
        while self.pos < len(self.tex):
            ch = self.tex[self.pos]
            depth += (ch == "{") - (ch == "}")
            self.pos += 1
            if depth == 0:
                return self.tex[start:self.pos - 1]
        return self.tex[start:]

    def atom(self, upright: bool) -> list:
        ch = self.tex[self.pos]
        if ch == "\\":
            return self.command(upright)
        if ch == "{":
            self.pos += 1
            return [Scripted(self.parse(upright, closing="}"))]
        if ch.isalpha():
            match = re.compile(r"[A-Za-z]+").match(self.tex, self.pos)
            self.pos = match.end()
            return [_letters(match.group(), upright)]
        match = re.compile(r"[0-9]+(\.[0-9]+)?").match(self.tex, self.pos)
        if match:
            self.pos = match.end()
            return [Piece("atom", match.group())]
        self.pos += 1
        return [_character(ch)]

    def command(self, upright: bool) -> list:
        match = re.compile(r"\\([A-Za-z]+|.?)").match(self.tex, self.pos)
        self.pos = match.end()
        name = match.group(1)
        if name == "frac":
            return [Frac(self.argument(), self.argument())]
        if name in UPRIGHT_WRAPPERS:
            if name in ("text", "textrm"):
                return [Piece("atom", _escape(self.raw_group()))]
            return [Scripted(self.argument(upright=True))]
        if name == "sqrt":
            return [Piece("atom", "√"), Piece("open", "("), *self.argument(upright), Piece("close", ")")]
        if name == "mathrel":  # an update, \mathrel{+}=, reads as one relation: +=
            text = self.raw_group() + ("=" if self.peek() == "=" else "")
            self.pos += text.endswith("=")
            return [Piece("rel", _escape(text).replace("-", "−"))]
        return [_named(name, upright)]


def _letters(text: str, upright: bool) -> Piece:
    return Piece("atom", _escape(text) if upright else f"<i>{_escape(text)}</i>")


def _character(ch: str) -> Piece:
    if ch in TEXT_RELATIONS:
        return Piece("rel", TEXT_RELATIONS[ch])
    if ch in TEXT_OPERATORS:
        return Piece("op", TEXT_OPERATORS[ch])
    if ch in "([":
        return Piece("open", _escape(ch))
    if ch in ")]":
        return Piece("close", _escape(ch))
    if ch in ",;:":
        return Piece("punct", ch)
    if ch == "'":
        return Piece("close", "′")
    if ch == "}":  # a stray } closes nothing
        return Piece("space", "")
    return Piece("atom", _escape(ch))


def _named(name: str, upright: bool) -> Piece:
    """A command without arguments; an unknown one is shown as its name, upright."""
    if name in GREEK:
        return Piece("atom", GREEK[name] if upright else f"<i>{GREEK[name]}</i>")
    if name in UPPER_GREEK:
        return Piece("atom", UPPER_GREEK[name])
    if name in RELATIONS:
        return Piece("rel", RELATIONS[name])
    if name in OPERATORS:
        return Piece("op", OPERATORS[name])
    if name in SYMBOLS:
        return Piece("atom", SYMBOLS[name])
    if name in SPACES:
        return Piece("space", SPACES[name])
    if name in IGNORED:
        return Piece("space", "")
    if name == "\\":
        return Piece("space", " ")
    if name in FUNCTIONS:
        return Piece("func", name)
    return Piece("atom", _escape(name))  # anything unknown


def _escape(text: str) -> str:
    return "".join(MARKDOWN_SAFE.get(c, c) for c in html.escape(text, quote=False))


def _inline(nodes: list) -> str:
    """Nodes as one line of HTML: binary operators and relations spaced, a leading sign not."""
    out, previous, last = [], None, None
    for node in nodes:
        if isinstance(node, Piece) and node.kind == "space":
            out.append(node.html)
            continue
        text = _node_html(node)
        kind = node.kind
        if previous in ("atom", "close") and (kind == "func" or kind == "atom" and Frac in (type(node), type(last))) \
                or previous == "func" and kind == "atom":
            out.append("\u2009")  # a product with a fraction or a function: a thin space keeps the factors apart
        if kind == "op" and (previous is None or previous in ("op", "rel", "open", "punct")):
            kind = "sign"
        if kind in ("op", "rel"):
            text = f" {text} "
        elif kind == "punct":
            text += " "
        out.append(text)
        previous, last = kind, node
    return "".join(out).strip(" ").replace("  ", " ")


def _node_html(node) -> str:
    if isinstance(node, Frac):
        return f"{_operand(node.num)}/{_operand(node.den)}"
    if isinstance(node, Scripted):
        text = _inline(node.base)
        if len(node.base) > 1 and (node.sub is not None or node.sup is not None) and _compound(node.base):
            text = f"({text})"
        if node.sub is not None:
            text += f"<sub>{_inline(node.sub)}</sub>"
        if node.sup is not None:
            text += f"<sup>{_inline(node.sup)}</sup>"
        return text
    return node.html


def _compound(nodes: list) -> bool:
    """More than one term: an operator or relation at the top level, or a fraction."""
    return any(isinstance(n, Frac) or n.kind in ("op", "rel", "punct") for n in nodes)


def _operand(nodes: list) -> str:
    """A fraction's part written inline: in parentheses when it is more than one term."""
    text = _inline(nodes)
    return f"({text})" if _compound(nodes) else text


def tex_to_html(tex: str) -> str:
    """Inline math: one line of HTML with italics, Greek letters, sub/superscripts and ``a/b`` fractions."""
    try:
        return _inline(_Parser(tex).parse())
    except _TooDeepError:
        return _escape(tex)


FRACTION = ('<table cellspacing="0" cellpadding="0" style="margin: 0px;"><tr><td align="center" '
            'style="border-bottom: 1px solid #888888; padding: 0px 3px;">{num}</td></tr><tr><td align="center" '
            'style="padding: 0px 3px;">{den}</td></tr></table>')
CELL = '<td valign="middle">{}</td>'
DISPLAY_STYLE = "margin-top: 6px; margin-bottom: 6px;"


def tex_to_display_html(tex: str, align: str = "center") -> str:
    """Display math: a one-row table whose cells are runs of inline math and stacked fractions."""
    cells: list[str] = []
    run: list = []
    try:
        nodes = _Parser(tex).parse()
    except _TooDeepError:
        nodes = [Piece("atom", _escape(tex))]
    for node in nodes:
        if isinstance(node, Frac):
            if run:
                cells.append(("&nbsp;" if cells else "") + _inline(run) + "&nbsp;")
                run = []
            cells.append(FRACTION.format(num=_inline(node.num), den=_inline(node.den)))
        else:
            run.append(node)
    if run:
        cells.append(("&nbsp;" if cells else "") + _inline(run))
    body = "".join(CELL.format(c) for c in cells)
    return f'<table align="{align}" cellspacing="0" cellpadding="0" style="{DISPLAY_STYLE}"><tr>{body}</tr></table>'


# Code spans, $$ display $$ (alone on its lines) and $inline$ math, each within one paragraph and bounded in
# length, so a hostile lesson cannot make the scan quadratic.
CODE = r"(?P<ticks>`+)(?P<code>.{1,5000}?)(?P=ticks)"
DISPLAY = r"^[ \t]*\$\$(?P<display>(?:[^\n]|\n(?![ \t]*\n)){1,4000}?)\$\$[ \t]*$"
INLINE = r"(?<![\\$])\$(?!\$)(?P<inline>(?:[^$\n]|\n(?![ \t]*\n))+?)(?<![\\$])\$(?!\$)"
TOKENS = re.compile("|".join((CODE, DISPLAY, INLINE)), re.S | re.M)


def markdown_with_math(text: str) -> str:
    """Markdown whose ``$$ display $$`` and ``$inline$`` math are replaced by HTML (code spans untouched).

    Everything else is text, never markup: a ``<`` outside math and code is escaped, so a lesson cannot
    bring its own HTML (an ``<img>`` reading any file, a table nested a million deep)."""
    out, last = [], 0
    for match in TOKENS.finditer(text):
        out.append(_text(text[last:match.start()]))
        if match.group("code") is not None:
            out.append(match.group(0))
        elif match.group("display") is not None:
            out.append("\n\n" + tex_to_display_html(match.group("display").strip()) + "\n\n")
        else:
            out.append(tex_to_html(match.group("inline")))
        last = match.end()
    out.append(_text(text[last:]))
    return "".join(out)


def _text(text: str) -> str:
    return text.replace("<", "&lt;").replace("\\$", "$")
