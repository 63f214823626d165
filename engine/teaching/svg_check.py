"""Why an SVG picture of a lesson must not be drawn, or None: a stranger's SVG is checked before QtSvg sees it.

QtSvg follows ``href``s (an ``<image>`` of any file on the disk, other SVGs through ``<use>`` and data URIs) and
expands ``<use>`` without limit (40 nested levels of two references never finish drawing). So a picture is
refused unless it is small, well-formed XML without a DOCTYPE or entities, refers to nothing but its own
``#ids``, and its ``<use>`` references stay shallow and expand to a bounded drawing cost: each element costs 1,
one drawn through a filter (a blur costs about 10 ms) FILTER_COST and one through a mask MASK_COST.
Read with expat (no DTD, no entities), never with anything that fetches.
"""

from __future__ import annotations

import re
from xml.parsers import expat

__all__ = ["svg_problem", "MAX_SVG_BYTES", "MAX_ELEMENTS", "MAX_USE_DEPTH", "FILTER_COST", "MASK_COST"]

MAX_SVG_BYTES = 1_000_000
MAX_ELEMENTS = 20_000  # the drawing cost after every <use> is expanded: about 0.2 s at most
FILTER_COST, MASK_COST = 1_000, 100
MAX_XML_DEPTH = 64
MAX_USE_DEPTH = 8
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_IMPORT = re.compile(r"@import", re.I)
_SHEET_EFFECTS = re.compile(r"(?<![\w-])(filter|mask)\s*:", re.I)


class _RefusedError(Exception):
    pass


def svg_problem(data: bytes) -> str | None:
    """None when ``data`` is an SVG that is safe to draw, else the reason it is refused (one short phrase)."""
    if len(data) > MAX_SVG_BYTES:
        return f"larger than {MAX_SVG_BYTES // 1000} kB"
    walker = _Walker()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = walker.doctype
    parser.EntityDeclHandler = walker.entity
    parser.ExternalEntityRefHandler = walker.external
    parser.StartElementHandler = walker.start
    parser.EndElementHandler = walker.end
    parser.CharacterDataHandler = walker.text
    try:
        parser.Parse(data, True)
        if walker.root != "svg":
            return "not an SVG picture"
        walker.check_expansion()
    except _RefusedError as exc:
        return str(exc)
    except expat.ExpatError as exc:
        return f"not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})"
    return None


class _Walker:
    """Expat callbacks: refuse references out of the file, count elements and ``<use>`` references per id."""

    def __init__(self):
        self.root: str | None = None
        self.frames: list[list] = [[None, 0, [], 0]]  # per open element: id, cost inside, #ids it uses, own cost
        self.defined: dict[str, tuple[int, list[str]]] = {}
        self.elements = 0
        self.names: list[str] = []
        self.sheet: list[str] = []  # the text of the <style> element being read (expat hands it in pieces)

    def doctype(self, *_):
        raise _RefusedError("has a DOCTYPE (entities are not allowed)")

    def entity(self, *_):
        raise _RefusedError("declares an entity")

    def external(self, *_):
        raise _RefusedError("refers to an external entity")

    def start(self, name: str, attributes: dict) -> None:
        local = name.rpartition(":")[2]
        self.root = self.root or local
        cost = _cost(attributes)
        self.elements += cost
        if self.elements > MAX_ELEMENTS:
            raise _RefusedError(f"costs more than {MAX_ELEMENTS:,} elements to draw (a filter counts as "
                                f"{FILTER_COST:,})")
        if len(self.frames) > MAX_XML_DEPTH:
            raise _RefusedError(f"elements nested more than {MAX_XML_DEPTH} levels deep")
        frame = [attributes.get("id"), 0, [], cost]
        for key, value in attributes.items():
            self._check_value(key, value)
            if local == "use" and (key == "href" or key.endswith(":href")):
                frame[2].append(value.strip()[1:])
        self.frames.append(frame)
        self.names.append(local)

    def end(self, _name: str) -> None:
        if self.names.pop() == "style":
            self._check_sheet("".join(self.sheet))
            self.sheet = []
        ident, count, uses, cost = self.frames.pop()
        count += cost
        if ident:
            self.defined[ident] = (count, uses)
        parent = self.frames[-1]
        parent[1] += count
        parent[2].extend(uses)

    def text(self, data: str) -> None:
        if self.names and self.names[-1] == "style":
            self.sheet.append(data)

    def _check_sheet(self, sheet: str) -> None:
        self._check_value("style", sheet)
        if _SHEET_EFFECTS.search(sheet):  # it could apply to every element: the cost would be past counting
            raise _RefusedError("its style sheet applies a filter or a mask (give the elements a filter or mask "
                                "attribute instead)")

    @staticmethod
    def _check_value(key: str, value: str) -> None:
        if (key == "href" or key.endswith(":href")) and not value.strip().startswith("#"):
            raise _RefusedError(f"refers to “{value.strip()[:80]}” outside the picture "
                                "(only #ids of the picture itself)")
        for target in _URL.findall(value):
            if not target.startswith("#"):
                raise _RefusedError(f"refers to “{target[:80]}” outside the picture (only url(#id))")
        if _IMPORT.search(value):
            raise _RefusedError("imports a style sheet")

    def check_expansion(self) -> None:
        """Every ``<use>`` drawn in full: a bounded number of elements, references at most MAX_USE_DEPTH deep."""
        done: dict[str, tuple[int, int]] = {}
        _, count, uses, _ = self.frames[0]
        self._bounded(count + sum(self._expanded(ref, done, 1)[0] for ref in uses))

    def _expanded(self, ident: str, done: dict, depth: int) -> tuple[int, int]:
        """(elements once expanded, how deep its references go) of the element ``ident``; memoised."""
        if ident not in self.defined:
            return 0, 0
        if ident in done:
            count, height = done[ident]
            if count < 0:
                raise _RefusedError(f"<use> of “{ident[:60]}” refers back to itself")
        else:
            if depth > MAX_USE_DEPTH:
                raise _RefusedError(f"<use> references nested more than {MAX_USE_DEPTH} deep")
            done[ident] = (-1, 0)
            count, uses = self.defined[ident]
            height = 0
            for ref in uses:
                inner, inner_height = self._expanded(ref, done, depth + 1)
                count, height = self._bounded(count + inner), max(height, inner_height + 1)
            done[ident] = (count, height)
        if depth + height > MAX_USE_DEPTH:
            raise _RefusedError(f"<use> references nested more than {MAX_USE_DEPTH} deep")
        return count, height

    @staticmethod
    def _bounded(count: int) -> int:
        if count > MAX_ELEMENTS:
            raise _RefusedError(f"its <use> references expand to more than {MAX_ELEMENTS:,} elements to draw "
                                f"(a filter counts as {FILTER_COST:,})")
        return count


def _cost(attributes: dict) -> int:
    """What drawing one element costs, in plain elements: a filter or a mask renders it off screen first."""
    style = attributes.get("style", "").replace(" ", "").lower()
    filtered = attributes.get("filter", "none").strip() != "none" or "filter:url" in style
    masked = attributes.get("mask", "none").strip() != "none" or "mask:url" in style
    return 1 + (FILTER_COST - 1) * filtered + (MASK_COST - 1) * masked
