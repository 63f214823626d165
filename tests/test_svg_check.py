"""A lesson's SVG is refused, with its reason, when it reaches outside itself or expands beyond a bound."""

import base64

import pytest
from spikestudio.engine.teaching.svg_check import FILTER_COST, MAX_ELEMENTS, MAX_USE_DEPTH, svg_problem

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
       '{}</svg>')


def nested_uses(levels: int) -> bytes:
    """Each level draws the one below twice: 2**levels rectangles from a few hundred bytes."""
    body = ['<defs><rect id="l0" width="1" height="1"/>']
    body += [f'<g id="l{i}"><use xlink:href="#l{i - 1}"/><use xlink:href="#l{i - 1}" x="1"/></g>'
             for i in range(1, levels + 1)]
    body.append(f'</defs><use xlink:href="#l{levels}"/>')
    return SVG.format("".join(body)).encode()


def test_an_ordinary_picture_with_gradients_and_shallow_uses_is_drawn():
    body = ('<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
            '<circle id="dot" r="2"/></defs><rect width="40" height="20" fill="url(#g)" style="stroke: url( #g )"/>'
            '<use href="#dot" x="5"/><use xlink:href="#dot" x="9"/><style>rect { fill: url(#g); }</style>')
    assert svg_problem(SVG.format(body).encode()) is None
    assert svg_problem(nested_uses(MAX_USE_DEPTH - 1)) is None


def test_forty_levels_of_nested_use_are_refused_before_anything_draws():
    data = nested_uses(40)
    assert len(data) < 3000
    assert svg_problem(data) == f"<use> references nested more than {MAX_USE_DEPTH} deep"


def test_wide_uses_that_expand_past_the_element_bound_are_refused():
    body = '<defs><g id="a">' + "<rect/>" * 200 + '</g></defs>' + '<use href="#a"/>' * 200
    assert svg_problem(SVG.format(body).encode()).startswith(f"its <use> references expand to more than "
                                                              f"{MAX_ELEMENTS:,} elements to draw")


BLUR = '<defs><filter id="f"><feGaussianBlur stdDeviation="2"/></filter></defs>'


def test_filters_count_as_costly_elements_and_a_style_sheet_may_not_apply_them_to_all():
    """200 blurred rectangles (10 kB) take seconds to draw; a few are fine."""
    few = BLUR + '<rect width="40" height="20" filter="url(#f)"/>' * 5 + '<rect mask="url(#m)"/>' * 5
    assert svg_problem(SVG.format(few).encode()) is None
    many = BLUR + '<rect width="40" height="20" style="filter: url(#f)"/>' * 200
    assert svg_problem(SVG.format(many).encode()) == (f"costs more than {MAX_ELEMENTS:,} elements to draw "
                                                      f"(a filter counts as {FILTER_COST:,})")
    used = BLUR + '<g id="a"><rect filter="url(#f)"/></g>' + '<use href="#a"/>' * 30
    assert "its <use> references expand to more than" in svg_problem(SVG.format(used).encode())
    sheet = BLUR + "<style>\nrect {\n  filter:\n url(#f) }</style>"
    assert svg_problem(SVG.format(sheet).encode()).startswith("its style sheet applies a filter or a mask")
    assert svg_problem(SVG.format("<style>rect { mask-type: alpha; fill: red }</style>").encode()) is None


@pytest.mark.parametrize("body, named", [
    ('<image href="/etc/picture.png" width="9" height="9"/>', "/etc/picture.png"),
    ('<image xlink:href="../outside.png"/>', "../outside.png"),
    ('<image href="file:///etc/passwd"/>', "file:///etc/passwd"),
    ('<use href="other.svg#x"/>', "other.svg#x"),
    ('<a href="http://example.org/"><rect/></a>', "http://example.org/"),
    ('<image href="data:image/svg+xml;base64,' + base64.b64encode(b"<svg/>").decode() + '"/>', "data:image/svg+xml"),
    ('<rect style="fill: url(http://example.org/x)"/>', "http://example.org/x"),
    ('<rect fill="url(\'/etc/x.svg#g\')"/>', "/etc/x.svg#g"),
    ('<style>rect { fill: url(pattern.svg#p) }</style>', "pattern.svg#p"),
])
def test_references_out_of_the_picture_are_refused_naming_them(body, named):
    problem = svg_problem(SVG.format(body).encode())
    assert problem is not None and named in problem and "outside the picture" in problem


@pytest.mark.parametrize("data, reason", [
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "has a DOCTYPE"),
    (b'<!DOCTYPE svg SYSTEM "/etc/passwd"><svg/>', "has a DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x.css";</style></svg>', "imports a style sheet"),
    (b'<svg><g id="a"><use href="#a"/></g></svg>', "refers back to itself"),
    (b'<svg><rect></svg>', "not well-formed XML"),
    (b'\x1f\x8b\x08\x00compressed', "not well-formed XML"),
    (b'<html><body/></html>', "not an SVG picture"),
    (b"<svg>" + b"<g>" * 100 + b"</g>" * 100 + b"</svg>", "elements nested more than 64 levels deep"),
    (b"<svg>" + b" " * 1_000_001 + b"</svg>", "larger than 1000 kB"),
])
def test_what_is_not_a_small_plain_svg_is_refused(data, reason):
    assert reason in (svg_problem(data) or "")
