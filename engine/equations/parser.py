"""A whitelist grammar for expressions: tokeniser and recursive descent into a ``tree``.

Nothing here evaluates text. Anything outside the grammar (attribute access, subscripts, strings,
lambdas, keywords, unknown characters) is a ``ParseError`` with the column where it starts.

    expr    := or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | compare
    compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
    sum     := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | power
    power   := atom ('**' unary)?
    atom    := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .tree import Binary, Call, Name, Node, Num, Unary

__all__ = ["ParseError", "Token", "tokenize", "parse_expression", "MAX_LENGTH", "MAX_DEPTH"]

MAX_LENGTH = 2000  # characters in one expression
MAX_DEPTH = 60  # nesting of brackets and operators (keeps the recursive descent far from Python's limit)

_TOKEN = re.compile(r"""
    (?P<ws>[ \t]+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/<>(),])
""", re.VERBOSE)

_FORBIDDEN_NAMES = {
    "lambda": "lambdas are not allowed", "if": "write where(condition, a, b) instead of if/else",
    "else": "write where(condition, a, b) instead of if/else", "import": "imports are not allowed",
    "for": "loops are not allowed", "while": "loops are not allowed", "in": "'in' is not allowed",
    "is": "'is' is not allowed", "def": "definitions are not allowed", "class": "definitions are not allowed",
    "return": "'return' is not allowed", "yield": "'yield' is not allowed", "await": "'await' is not allowed",
    "async": "'async' is not allowed", "global": "'global' is not allowed", "with": "'with' is not allowed",
    "del": "'del' is not allowed", "pass": "'pass' is not allowed", "None": "None is not a value here",
    "True": "write 1 > 0 for a condition that always holds", "False": "write 1 < 0 for one that never does",
}
_EXPLAINED = {".": "attribute access is not allowed", "[": "subscripts are not allowed",
              "]": "subscripts are not allowed", "'": "strings are not allowed", '"': "strings are not allowed",
              "=": "'=' is not an operator here (compare with ==)", ":": "':' is not allowed in an expression",
              "{": "braces are not allowed", "}": "braces are not allowed", "@": "'@' is not allowed",
              "%": "'%' is not allowed", "#": "comments are not allowed inside an expression",
              ";": "';' is not allowed", "\\": "'\\' is not allowed", "&": "write 'and'", "|": "write 'or'",
              "!": "write 'not'", "~": "'~' is not allowed", "^": "write ** for a power", "`": "'`' is not allowed"}
_COMPARE = ("<", "<=", ">", ">=", "==", "!=")


class ParseError(ValueError):
    """Text that is not a valid expression; ``col`` is 1-based."""

    def __init__(self, col: int, message: str):
        super().__init__(f"column {col}: {message}")
        self.col = col
        self.message = message


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    col: int


def tokenize(text: str, col0: int = 1) -> list[Token]:
    """The tokens of ``text``; ``col0`` is the column of its first character in its line."""
    if len(text) > MAX_LENGTH:
        raise ParseError(col0, f"expression longer than {MAX_LENGTH} characters")
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            raise ParseError(col0 + pos, _EXPLAINED.get(ch, f"unexpected character {ch!r}"))
        kind = m.lastgroup
        if kind != "ws":
            tok = Token(kind, m.group(), col0 + pos)
            if kind == "name" and tok.text in _FORBIDDEN_NAMES:
                raise ParseError(tok.col, _FORBIDDEN_NAMES[tok.text])
            if kind == "name" and m.end() < len(text) and text[m.end()] in "'\"":
                raise ParseError(col0 + m.end(), "strings are not allowed")
            if kind == "num" and m.end() < len(text) and (text[m.end()].isalpha() or text[m.end()] == "_"):
                raise ParseError(col0 + m.end(), "write a number and its unit with '*' between them (5*mV)")
            tokens.append(tok)
        pos = m.end()
    tokens.append(Token("end", "", col0 + len(text)))
    return tokens


def parse_expression(text: str, col0: int = 1) -> Node:
    """The tree of ``text``, or a ``ParseError`` naming the column."""
    parser = _Parser(tokenize(text, col0))
    if parser.peek().kind == "end":
        raise ParseError(col0, "empty expression")
    node = parser.expr(0)
    tok = parser.peek()
    if tok.kind != "end":
        raise ParseError(tok.col, _unexpected(tok))
    return node


def _unexpected(tok: Token) -> str:
    if tok.kind == "end":
        return "the expression ends too early"
    if tok.text == "(":
        return "only a function name can be called"
    if tok.text == ",":
        return "',' outside a function call"
    return f"unexpected {tok.text!r}"


class _Parser:
    """Recursive descent over a token list; ``depth`` bounds the nesting."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def accept(self, *ops: str) -> Token | None:
        tok = self.peek()
        if (tok.kind == "op" and tok.text in ops) or (tok.kind == "name" and tok.text in ops):
            self.pos += 1
            return tok
        return None

    def nest(self, depth: int) -> int:
        if depth >= MAX_DEPTH:
            raise ParseError(self.peek().col, f"expression nested more than {MAX_DEPTH} deep")
        return depth + 1

    def expr(self, depth: int) -> Node:
        return self.or_(self.nest(depth))

    def or_(self, depth: int) -> Node:
        node = self.and_(depth)
        while tok := self.accept("or"):
            node = Binary(tok.col, "or", node, self.and_(depth))
        return node

    def and_(self, depth: int) -> Node:
        node = self.not_(depth)
        while tok := self.accept("and"):
            node = Binary(tok.col, "and", node, self.not_(depth))
        return node

    def not_(self, depth: int) -> Node:
        if tok := self.accept("not"):
            return Unary(tok.col, "not", self.not_(self.nest(depth)))
        return self.compare(depth)

    def compare(self, depth: int) -> Node:
        node = self.sum(depth)
        if tok := self.accept(*_COMPARE):
            node = Binary(tok.col, tok.text, node, self.sum(depth))
            if again := self.accept(*_COMPARE):
                raise ParseError(again.col, "chained comparisons are not allowed (use 'and')")
        return node

    def sum(self, depth: int) -> Node:
        node = self.term(depth)
        while tok := self.accept("+", "-"):
            node = Binary(tok.col, tok.text, node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while tok := self.accept("*", "/"):
            node = Binary(tok.col, tok.text, node, self.unary(depth))
        return node

    def unary(self, depth: int) -> Node:
        if tok := self.accept("-", "+"):
            return Unary(tok.col, tok.text, self.unary(self.nest(depth)))
        return self.power(depth)

    def power(self, depth: int) -> Node:
        node = self.atom(depth)
        if tok := self.accept("**"):
            node = Binary(tok.col, "**", node, self.unary(self.nest(depth)))
        return node

    def atom(self, depth: int) -> Node:
        tok = self.take()
        if tok.kind == "num":
            value = float(tok.text)
            if not math.isfinite(value):
                raise ParseError(tok.col, f"number {tok.text} is too large")
            return Num(tok.col, value)
        if tok.kind == "name":
            if tok.text in ("and", "or", "not"):
                raise ParseError(tok.col, f"'{tok.text}' needs a value before it")
            if self.accept("("):
                return Call(tok.col, tok.text, self.args(depth))
            return Name(tok.col, tok.text)
        if tok.kind == "op" and tok.text == "(":
            node = self.expr(depth)
            self.expect(")")
            return node
        raise ParseError(tok.col, _unexpected(tok))

    def args(self, depth: int) -> tuple[Node, ...]:
        args = [self.expr(depth)]
        while self.accept(","):
            args.append(self.expr(depth))
        self.expect(")")
        return tuple(args)

    def expect(self, op: str) -> None:
        tok = self.peek()
        if not (tok.kind == "op" and tok.text == op):
            raise ParseError(tok.col, f"expected {op!r}" + ("" if tok.kind == "end" else f", found {tok.text!r}"))
        self.pos += 1
