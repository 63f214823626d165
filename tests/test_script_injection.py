"""A shared file must never run code: every string of a network reaches an exported script only as a literal
(or an escaped docstring, comment or ASCII variable name), whatever characters it holds."""

from __future__ import annotations

import ast
import io
import os
import sys
import tokenize
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spikestudio.engine.errors import FileFormatError
from spikestudio.engine.files import fileformat
from spikestudio.engine.interop import brian2_export, pynn_export
from spikestudio.engine.interop.nir_export import nir_export
from spikestudio.engine.interop.nir_import import nir_import
from spikestudio.engine.model.network import Metadata, Network, Plasticity
from spikestudio.engine.model.plain_text import control_characters
from test_interop_scripts import brian2_python, run_script

IDS = ["E", "I", "P", "S", "C", "D", "R", "P>E", "E>I", "I>E", "S>E", "E>E", "D>E", "rs", "rv", "rr", "note"]
TEXTS = ["title", "author", "description", "license", "dataset", "encoder", "rule", "variable", "note_text"]
NAMED = IDS[:-1]  # every item but the note has a name


def hostile_network(ids: dict, names: dict, texts: dict) -> Network:
    """Every kind of item, each string field taken from ``ids``, ``names`` and ``texts`` (no validation).

    The wiring is deterministic (no rule draws with a seed taken from an id), so every export's statements
    can be compared with those of plain names.
    """
    i, t = ids, texts
    net = Network(dt=0.1, duration=20.0, seed=4, metadata=Metadata(t["title"], t["author"], t["description"],
                                                                    t["license"]))
    net.add_population(i["E"], 8, "lif", t_ref=0.0, I_e=300.0)
    net.add_population(i["I"], 4, "lif", t_ref=0.0)
    net.add_poisson(i["P"], 8, rate=500.0)
    net.add_spike_times(i["S"], 2, neurons=[0, 1], times=[1.0, 2.0])
    net.add_current(i["C"], i["I"], "dc", amplitude=50.0)
    net.add_dataset(i["D"], 64, t["dataset"], t["encoder"])
    net.add_reward(i["R"], times=[1.0], values=[1.0])
    net.connect(i["P"], i["E"], "one_to_one", weight=20.0, id=i["P>E"])
    net.connect(i["E"], i["I"], "all_to_all", weight=30.0, delay=1.0, id=i["E>I"])
    net.connect(i["I"], i["E"], "all_to_all", weight=10.0, receptor="inhibitory", id=i["I>E"])
    net.connect(i["S"], i["E"], "explicit", pre=[0, 1], post=[0, 1], weights=[5.0, 5.0], id=i["S>E"])
    net.connect(i["E"], i["E"], "all_to_all", plasticity=Plasticity(t["rule"]), id=i["E>E"])
    net.connect(i["D"], i["E"], "all_to_all", id=i["D>E"])
    net.record_spikes(i["E"], id=i["rs"])
    net.record_state(i["I"], t["variable"], id=i["rv"])
    net.record_rate(i["E"], id=i["rr"])
    net.add_note(i["note"], t["note_text"])
    for key in NAMED:
        for section in net.sections().values():
            if i[key] in section:
                section[i[key]].name = names[key]
    return net


def plain() -> tuple[dict, dict, dict]:
    return ({k: f"id{n}" for n, k in enumerate(IDS)}, {k: f"name{n}" for n, k in enumerate(NAMED)},
            {k: f"text{n}" for n, k in enumerate(TEXTS)})


def exports(net: Network) -> dict[str, str]:
    """Every script export of ``net``: Brian2, PyNN, and Brian2 of the network read back from its NIR graph."""
    out = {"brian2": brian2_export(net)[0], "pynn": pynn_export(net, "mock")[0]}
    graph, _ = nir_export(net)
    try:
        out["nir->brian2"] = brian2_export(nir_import(graph))[0]
    except FileFormatError as exc:  # ids NIR import refuses (control characters): refused, never exported
        assert any(control_characters(item_id) for item_id in net.all_ids()), exc
        out["nir->brian2"] = None
    return out


class Normalised(ast.NodeTransformer):
    """Every string constant becomes "" and every variable name its order of first appearance."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def visit_Constant(self, node):
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_Name(self, node):
        node.id = self.names.setdefault(node.id, f"v{len(self.names)}")
        return node


def shape(text: str) -> str:
    return ast.dump(Normalised().visit(ast.parse(text)))


def strings_of(text: str) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def code_tokens(text: str) -> list[str]:
    """Names, operators and numbers: everything but string literals and comments."""
    kinds = (tokenize.NAME, tokenize.OP, tokenize.NUMBER)
    return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type in kinds]


SPECIAL = st.sampled_from(["'", '"', "'''", '"""', "\\", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028",
                           "\u2029", "\x00", "\x1b[2J", "\u202e", "#", "\\N{", "{}", "\ufeff",
                           "\nimport os; os.system('touch MARKER')\n#"])
HOSTILE = st.lists(st.text(st.characters(codec="utf-8"), max_size=4) | SPECIAL, min_size=1, max_size=4).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids=st.lists(HOSTILE.filter(bool), min_size=len(IDS), max_size=len(IDS), unique=True),
       names=st.lists(HOSTILE, min_size=len(NAMED), max_size=len(NAMED)),
       texts=st.lists(HOSTILE, min_size=len(TEXTS), max_size=len(TEXTS)))
def test_every_export_carries_every_string_only_as_a_literal(ids, names, texts):
    hostile = (dict(zip(IDS, ids)), dict(zip(NAMED, names)), dict(zip(TEXTS, texts)))
    reference = exports(hostile_network(*plain()))
    # NIR import refuses ids with control characters: its leg also runs with them taken out (names and texts kept)
    importable = {k: "".join(c for c in v if not control_characters(c)) + f"~{n}" for n, (k, v) in
                  enumerate(hostile[0].items())}
    scripts = list(exports(hostile_network(*hostile)).items())
    scripts.append(("nir->brian2", exports(hostile_network(importable, *hostile[1:]))["nir->brian2"]))
    for target, text in scripts:
        if text is None:
            continue
        assert shape(text) == shape(reference[target]), target  # the same statements, only strings differ
        assert all(token.isascii() for token in code_tokens(text)), target  # ids reach code only sanitised
        literals = strings_of(text)
        for key in ("E", "I") if target != "nir->brian2" else ():  # population ids (labels, RATE lines) read back
            assert hostile[0][key] in literals, (target, key)
        title = " ".join(hostile[2]["title"].split())
        docstring = ast.get_docstring(ast.parse(text), clean=False)
        assert (title if target != "nir->brian2" else title.replace("\x00", "\\x00")) in docstring, target


def test_the_hostile_recorder_id_of_the_issue_is_refused_by_the_loader(tmp_path):
    net = Network()
    net.add_population("E", 2)
    net.record_spikes("E", id="v")
    fileformat.save(net, tmp_path / "n.json")
    text = (tmp_path / "n.json").read_text().replace('"v"', '"v\\nimport os; os.system(\'touch MARKER\')\\n#"')
    (tmp_path / "n.json").write_text(text)
    with pytest.raises(FileFormatError) as info:
        fileformat.load(tmp_path / "n.json")
    assert any(p.location.startswith('recorders["v\nimport os') and "U+000A" in p.message
               for p in info.value.problems)


def payload(marker: Path, k: int) -> str:
    """Text that would create ``marker`` if it ever ran as code, wherever it lands: line breaks end a comment, quotes
    end a literal (no NUL or \\x0b: Python refuses a whole script holding one; the property test has them)."""
    return (f"v{k}\nimport os; os.system('touch {marker}')\n#'''\"\"\"\\\r#{k}\n"
            f"open({str(marker)!r}, 'w')#")


def hostile_file_network(marker: Path) -> Network:
    keys = {k: payload(marker, n) for n, k in enumerate(IDS)}
    keys["E"], keys["I"] = "E'''\"\"\"\\ ;open('x','w')#", "I\\N{"  # printed on RATE lines: one line each
    names = {k: payload(marker, 100 + n) for n, k in enumerate(NAMED)}
    texts = {k: payload(marker, 200 + n) for n, k in enumerate(TEXTS)}
    net = hostile_network(keys, names, texts)
    net.duration = 50.0
    return net


def rate_lines(stdout: str) -> list[str]:
    return [line.rsplit(" ", 1)[0] for line in stdout.splitlines()]


@pytest.mark.slow
def test_the_brian2_script_of_a_hostile_network_only_simulates(tmp_path):
    python = brian2_python()
    if python is None:
        pytest.skip("brian2 cannot be imported; set SPIKESTUDIO_BRIAN2_PYTHON")
    marker = tmp_path / "MARKER"
    net = hostile_file_network(marker)
    done = run_script(python, brian2_export(net)[0], tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert rate_lines(done.stdout) == [f"RATE {pid}" for pid in net.populations]
    assert not marker.exists() and sorted(os.listdir(tmp_path)) == ["exported.py"]


def test_the_pynn_script_of_a_hostile_network_only_simulates(tmp_path):
    pytest.importorskip("pyNN")
    marker = tmp_path / "MARKER"
    net = hostile_file_network(marker)
    done = run_script(sys.executable, pynn_export(net, "mock")[0], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert rate_lines(done.stdout) == [f"RATE {pid}" for pid in net.populations]
    assert not marker.exists() and sorted(os.listdir(tmp_path)) == ["exported.py"]


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
                                 "\u2029", "\x00", "\x1b", "\u202e"])
def test_a_comment_or_docstring_cannot_be_ended_by_any_line_break(brk):
    from spikestudio.engine.interop.script_text import comment, docstring

    text = f"a{brk}x = 1{brk}#"
    line = comment(text)
    assert len(line.splitlines()) == 1 and line.isprintable()
    assert [type(s).__name__ for s in ast.parse(f"y = 2  {line}\nz = 3").body] == ["Assign", "Assign"]
    doc = docstring([text, '"""' + text])
    assert ast.literal_eval(doc) == f'{text}\n"""{text}\n'
