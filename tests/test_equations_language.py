"""The expression language and model descriptions: a whitelist grammar with units, located problems,
text and plain-data forms that read back to the same model, and no input that escapes as another exception."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spikestudio.engine.equations.check import check_expression
from spikestudio.engine.equations.data import from_data, to_data, to_text
from spikestudio.engine.equations.description import ModelError
from spikestudio.engine.equations.parser import ParseError, parse_expression
from spikestudio.engine.equations.render import to_source
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.equations.tree import Binary, Call, Name, Num, Unary
from spikestudio.engine.equations.units import UNITS, Dim

DIMS = {"v": Dim(V=1), "tau": Dim(s=1), "E_L": Dim(V=1), "R": Dim(V=1, A=-1), "I": Dim(A=1), "a": Dim()}

FHN = """title FitzHugh-Nagumo
state v = -60 mV
state w = -30 mV
param tau = 10 ms (0, 1000] "time constant of v"
param a = 0.7 [-10, 10]
let R = 1*mV/pA
dv/dt = (v - v**3/(3*(50*mV)**2) - w + R*I_syn)/tau   # a comment
dw/dt = (v + a*mV - 0.8*w)/(12.5*tau)
threshold v > 20*mV
reset w += 1*mV
refractory 2*ms clamp v
"""


def shape(node):
    """A tree without its columns."""
    if isinstance(node, Num):
        return ("num", node.value)
    if isinstance(node, Name):
        return ("name", node.id)
    if isinstance(node, Unary):
        return (node.op, shape(node.operand))
    if isinstance(node, Binary):
        return (node.op, shape(node.left), shape(node.right))
    assert isinstance(node, Call)
    return (node.func, *map(shape, node.args))


def kind_of(text):
    return check_expression(parse_expression(text), DIMS)


def test_operators_bind_as_in_python():
    assert shape(parse_expression("-x**2")) == ("-", ("**", ("name", "x"), ("num", 2.0)))
    assert shape(parse_expression("a - b - c")) == ("-", ("-", ("name", "a"), ("name", "b")), ("name", "c"))
    assert shape(parse_expression("x**y**z")) == ("**", ("name", "x"), ("**", ("name", "y"), ("name", "z")))
    assert parse_expression("not a < b and c > d").op == "and"


def test_units_follow_the_arithmetic():
    assert kind_of("(-(v - E_L) + R*I)/tau").dim == Dim(V=1, s=-1)
    assert kind_of("sqrt(v*v)").dim == Dim(V=1)
    assert kind_of("v > E_L and not v > 0*mV").boolean
    assert kind_of("where(v > E_L, v, E_L)").dim == Dim(V=1)
    assert UNITS["nS"].factor == UNITS["pF"].factor == UNITS["mV"].factor == 1.0  # a coherent system
    assert (UNITS["nA"].factor, UNITS["Hz"].factor, UNITS["second"].factor) == (1000.0, 0.001, 1000.0)


@pytest.mark.parametrize("text, col, message", [
    ("v + tau", 3, "units do not match: mV and ms"),
    ("exp(v)", 5, "exp needs a dimensionless argument"),
    ("x + 1", 1, "unknown name 'x'"),
    ("foo(v)", 1, "unknown function 'foo'"),
    ("v.real", 2, "attribute access is not allowed"),
    ("v[0]", 2, "subscripts are not allowed"),
    ("lambda: v", 1, "lambdas are not allowed"),
    ("'v'", 1, "strings are not allowed"),
    ("__import__('os')", 12, "strings are not allowed"),
    ("v**tau", 4, "the exponent of a quantity with a unit must be a plain number"),
    ("5mV", 2, "write a number and its unit with '*'"),
    ("1 < v < 2", 7, "chained comparisons"),
    ("v if v else a", 3, "where(condition, a, b)"),
    ("v > E_L and a", 13, "'and' needs a condition"),
    ("clip(v, E_L)", 1, "clip takes 3 arguments, got 2"),
    ("(" * 100 + "v" + ")" * 100, 61, "nested more than"),
])
def test_every_problem_names_its_column(text, col, message):
    with pytest.raises(ParseError) as err:
        kind_of(text)
    assert err.value.col == col and message in err.value.message


def test_a_model_reads_into_a_checked_description():
    d = parse_model(FHN)
    assert d.title == "FitzHugh-Nagumo" and d.state_names() == ["v", "w"] and d.param_names() == ["tau", "a"]
    assert [e.var for e in d.equations] == ["v", "w"] and d.clamp == ("v",) and d.input_var == "v"
    tau = d.params[0]
    assert (tau.default, tau.unit.text, tau.low, tau.low_open, tau.description) == (10.0, "ms", 0.0, True,
                                                                                     "time constant of v")
    assert [(r.var, r.op) for r in d.resets] == [("w", "+=")]


def test_every_problem_of_a_model_is_reported_with_line_and_column():
    text = "\n".join(["state v = -60 mV", "param tau = 10 ms", "param v = 1", "dv/dt = v/tau + x", "dw/dt = 1",
                      "threshold v", "reset v = 1*ms", "let z = v.real", "foo bar", "dv/dt = exp(v)/tau",
                      "param ms = 1", "state u = 0 mV [0, 1]", "param k = 5 [0, 1]"])
    with pytest.raises(ModelError) as err:
        parse_model(text)
    found = [(p.line, p.col, p.message.split(" (")[0]) for p in err.value.problems]
    assert found == [
        (3, 7, "'v' is already declared on line 1"),
        (4, 17, "unknown name 'x'"),
        (5, 2, "'w' is not a state variable"),
        (6, 11, "a threshold is a condition such as v > V_th"),
        (7, 12, "v is in mV, this is in ms"),
        (8, 10, "attribute access is not allowed"),
        (9, 1, "a line starts with a keyword"),
        (10, 2, "a second equation for 'v'"),
        (10, 13, "exp needs a dimensionless argument, not mV"),
        (11, 7, "'ms' is a unit; choose another name"),
        (12, 16, "a state variable has a name, an initial value and a unit only"),
        (13, 6, "the default 5 lies outside the range"),
    ]


def test_the_text_and_data_forms_read_back_to_the_same_model():
    d = parse_model(FHN)
    data = json.loads(json.dumps(to_data(d)))
    again = from_data(data)
    assert to_data(again) == data and to_text(again) == to_text(d)
    assert [shape(e.expr) for e in again.equations] == [shape(e.expr) for e in d.equations]


def test_problems_in_the_data_form_point_into_its_canonical_text():
    data = to_data(parse_model(FHN))
    data["equations"]["w"] = "(v + a*mV - 0.8*w)/(12.5*tau) + sin(v)"
    with pytest.raises(ModelError) as err:
        from_data(data, "fhn")
    line = to_text(parse_model(FHN)).split("\n").index("dw/dt = (v + a*mV - 0.8*w)/(12.5*tau)") + 1
    assert [(p.line, p.col) for p in err.value.problems] == [(line, 45)]
    assert str(err.value).startswith("model 'fhn', line")


@pytest.mark.parametrize("data, message", [
    ([], "a model is an object"),
    ({"state": {}, "equations": {}, "oops": 1}, "unknown key 'oops'"),
    ({"state": {"v": {"initial": "x"}}, "equations": {}}, "state.v.initial has the wrong type"),
    ({"state": {"v": {"initial": 0}}, "equations": {"v": "1\nparam x = 1"}}, "line break"),
])
def test_malformed_data_is_refused_before_it_is_read(data, message):
    with pytest.raises(ModelError) as err:
        from_data(data)
    assert any(message in p.message for p in err.value.problems)


def test_canonical_text_parses_to_the_same_tree():
    for text in ["(-(v - E_L) + R*I)/tau", "a - (b - c)", "(-x)**2", "x**-2", "(x**y)**z", "--x",
                 "not a < b and c > d or e == f", "(a < b) == (c < d)", "where(v > 1, -v, v)", "1e-300*2.5"]:
        assert shape(parse_expression(to_source(parse_expression(text)))) == shape(parse_expression(text))


_ALPHABET = "vwxaE_Lt01.5e+-*/()<>=!,[]'\"#:;@ \tlambdanotrexpsqrtmVms"
_PIECES = ["v", "tau", "E_L", "mV", "ms", "exp(", "sqrt(", "clip(", ")", "(", "+", "-", "*", "/", "**", ",",
           "<", ">=", "and", "or", "not", ".", "[", "]", "lambda", "'", "1e999", "0.5", "__import__", "x", " "]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=60), st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
                 st.text(max_size=40)))
def test_any_string_is_a_valid_tree_or_a_located_problem(text):
    try:
        node = parse_expression(text)
    except ParseError as exc:
        assert 1 <= exc.col <= len(text) + 1
        return
    try:
        check_expression(node, DIMS)
    except ParseError as exc:
        assert 1 <= exc.col <= len(text)
    assert shape(parse_expression(to_source(node))) == shape(node)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FHN.splitlines()), st.text(alphabet=_ALPHABET, max_size=40),
                          st.sampled_from(["param", "state", "let x =", "reset", "threshold", "refractory",
                                           "refractory 1*ms clamp", "method rk9", "input q", "d/dt = 1",
                                           "param k = 1 (5, 1]", 'param k = 1 "no', "receptors nmda"])),
                max_size=12).map("\n".join))
def test_any_model_text_is_a_description_or_located_problems(text):
    try:
        parse_model(text)
    except ModelError as exc:
        n_lines = len(text.split("\n"))
        assert exc.problems and all(0 <= p.line <= n_lines and p.col >= 0 for p in exc.problems)
